from typing import Any

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records_dms.accounts.admin.menu import action_submenu
from records_dms.archive.permissions import VIEW_SEALED
from retention.admin import urls as admin_urls
from retention.permissions import MANAGE_SCHEDULES, VIEW_RETENTION


@hooks.register("register_admin_urls")
def register_retention_urls() -> list[Any]:
    return [
        path("retention/", include((admin_urls.urlpatterns, "retention"), namespace="retention"))
    ]


@hooks.register("register_admin_menu_item")
def register_retention_menu() -> MenuItem:
    return action_submenu(
        _("Retention"),
        [
            (_("Review queue"), "retention:queue", (VIEW_RETENTION,), "time"),
            (_("Destruction requests"), "retention:requests", (VIEW_RETENTION,), "bin"),
            (_("Legal holds"), "retention:holds", (VIEW_RETENTION,), "lock"),
            (
                _("Retention schedules"),
                "retention:schedules",
                (VIEW_RETENTION, MANAGE_SCHEDULES),
                "list-ul",
            ),
            (_("Sealed dossiers"), "retention:seals", (VIEW_SEALED,), "lock"),
            (_("Deletion requests"), "retention:deletions", (VIEW_SEALED,), "doc-full"),
        ],
        icon_name="time",
        order=300,
    )
