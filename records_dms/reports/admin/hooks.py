from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem, ActionSubmenu
from records_dms.archive.permissions import VIEW_RECORD
from records_dms.reports.admin import urls as admin_urls
from records_dms.reports.panels import homepage_panels
from records_dms.reports.permissions import EXPORT


@hooks.register("register_admin_urls")
def register_reports_urls() -> list[Any]:
    return [path("reports/", include((admin_urls.urlpatterns, "reports"), namespace="reports"))]


hooks.register("construct_homepage_panels", homepage_panels)


@hooks.register("register_admin_menu_item")
def register_reports_menu() -> MenuItem:
    items = [
        ActionMenuItem(
            _("Complaint register"),
            reverse("reports:complaints"),
            icon_name="warning",
            order=10,
            actions=(VIEW_RECORD,),
        ),
        ActionMenuItem(
            _("Satisfaction surveys"),
            reverse("reports:satisfaction"),
            icon_name="pick",
            order=20,
            actions=(VIEW_RECORD,),
        ),
        ActionMenuItem(
            _("Catalogue exports"),
            reverse("reports:catalogues"),
            icon_name="list-ul",
            order=30,
            actions=(EXPORT,),
        ),
        ActionMenuItem(
            _("Yearly summary"),
            reverse("reports:summary"),
            icon_name="date",
            order=40,
            actions=(VIEW_RECORD,),
        ),
    ]
    return ActionSubmenu(_("QMS reports"), Menu(items=items), icon_name="table", order=300)
