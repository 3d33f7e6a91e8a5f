"""Ingestion in the Wagtail admin: upload into a dossier and the ingestion queue."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ingestion.admin import urls
from records_dms.accounts.admin.menu import ActionMenuItem
from records_dms.archive.permissions import ADD_RECORD


@hooks.register("register_admin_urls")
def register_ingestion_urls() -> list[Any]:
    # The same "archive/" prefix as before the apps had screens of their own: bookmarks hold.
    return [path("archive/", include((urls.urlpatterns, "ingestion"), namespace="ingestion"))]


@hooks.register("register_admin_menu_item")
def register_ingestion_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Ingestion queue"),
        reverse("ingestion:jobs"),
        actions=(ADD_RECORD,),
        icon_name="upload",
        order=200,
    )
