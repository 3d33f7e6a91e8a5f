from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action

from . import admin_urls
from .panels import homepage_panels


@hooks.register("register_admin_urls")
def register_reports_urls() -> list[Any]:
    return [path("reports/", include((admin_urls.urlpatterns, "reports"), namespace="reports"))]


hooks.register("construct_homepage_panels", homepage_panels)


class ActionMenuItem(MenuItem):
    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def is_shown(self, request: Any) -> bool:
        return policy.has(request.user, self.action)


class ReportsSubmenu(SubmenuMenuItem):
    def is_shown(self, request: Any) -> bool:
        return policy.has(request.user, Action.VIEW_RECORD)


@hooks.register("register_admin_menu_item")
def register_reports_menu() -> MenuItem:
    items = [
        ActionMenuItem(
            _("Complaint register"),
            reverse("reports:complaints"),
            icon_name="warning",
            order=10,
            action=Action.VIEW_RECORD,
        ),
        ActionMenuItem(
            _("Satisfaction surveys"),
            reverse("reports:satisfaction"),
            icon_name="pick",
            order=20,
            action=Action.VIEW_RECORD,
        ),
        ActionMenuItem(
            _("Catalogue exports"),
            reverse("reports:catalogues"),
            icon_name="list-ul",
            order=30,
            action=Action.EXPORT,
        ),
        ActionMenuItem(
            _("Yearly summary"),
            reverse("reports:summary"),
            icon_name="date",
            order=40,
            action=Action.VIEW_RECORD,
        ),
    ]
    return ReportsSubmenu(_("QMS reports"), Menu(items=items), icon_name="table", order=300)
