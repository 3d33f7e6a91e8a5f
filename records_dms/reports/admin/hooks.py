from typing import Any

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records_dms.accounts.admin.menu import action_submenu
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
    return action_submenu(
        _("QMS reports"),
        [
            (_("Complaint register"), "reports:complaints", (VIEW_RECORD,), "warning"),
            (_("Satisfaction surveys"), "reports:satisfaction", (VIEW_RECORD,), "pick"),
            (_("Catalogue exports"), "reports:catalogues", (EXPORT,), "list-ul"),
            (_("Yearly summary"), "reports:summary", (VIEW_RECORD,), "date"),
        ],
        icon_name="table",
        order=300,
    )
