from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem, ActionSubmenu
from records_dms.archive.permissions import VIEW_SEALED
from retention.admin import urls as admin_urls
from retention.permissions import MANAGE_SCHEDULES, REVIEW_RETENTION, VIEW_RETENTION


@hooks.register("register_admin_urls")
def register_retention_urls() -> list[Any]:
    return [
        path("retention/", include((admin_urls.urlpatterns, "retention"), namespace="retention"))
    ]


@hooks.register("register_admin_menu_item")
def register_retention_menu() -> MenuItem:
    items = [
        ActionMenuItem(
            _("Review queue"),
            reverse("retention:queue"),
            icon_name="time",
            order=1,
            actions=(REVIEW_RETENTION,),
        ),
        ActionMenuItem(
            _("Destruction requests"),
            reverse("retention:requests"),
            icon_name="bin",
            order=2,
            actions=(VIEW_RETENTION,),
        ),
        ActionMenuItem(
            _("Legal holds"),
            reverse("retention:holds"),
            icon_name="lock",
            order=3,
            actions=(VIEW_RETENTION,),
        ),
        ActionMenuItem(
            _("Retention schedules"),
            reverse("retention:schedules"),
            icon_name="list-ul",
            order=4,
            actions=(VIEW_RETENTION, MANAGE_SCHEDULES),
        ),
        ActionMenuItem(
            _("Sealed dossiers"),
            reverse("retention:seals"),
            icon_name="lock",
            order=5,
            actions=(VIEW_SEALED,),
        ),
        ActionMenuItem(
            _("Deletion requests"),
            reverse("retention:deletions"),
            icon_name="doc-full",
            order=6,
            actions=(VIEW_SEALED,),
        ),
    ]
    return ActionSubmenu(_("Retention"), Menu(items=items), icon_name="time", order=300)
