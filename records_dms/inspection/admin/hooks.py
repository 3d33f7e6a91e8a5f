"""The four-property check in the Wagtail admin: its URLs and a menu entry for its readers."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem
from records_dms.inspection.admin import urls as admin_urls
from records_dms.inspection.permissions import VIEW_INSPECTION


@hooks.register("register_admin_urls")
def register_inspection_urls() -> list[Any]:
    return [
        path(
            "inspections/",
            include((admin_urls.urlpatterns, "inspection"), namespace="inspection"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_inspection_menu() -> MenuItem:
    return ActionMenuItem(
        _("Four-property checks"),
        reverse("inspection:list"),
        actions=(VIEW_INSPECTION,),
        icon_name="tasks",
        order=450,
    )
