"""The transfer register in the Wagtail admin."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem
from records_dms.transfer.admin.views import TransferRegisterView
from records_dms.transfer.permissions import VIEW_TRANSFERS


@hooks.register("register_admin_urls")
def register_transfer_urls() -> list[Any]:
    patterns = [path("transfers/", TransferRegisterView.as_view(), name="register")]
    return [path("archive/", include((patterns, "transfer"), namespace="transfer"))]


@hooks.register("register_admin_menu_item")
def register_transfer_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Transfer register"),
        reverse("transfer:register"),
        actions=(VIEW_TRANSFERS,),
        icon_name="doc-full",
        order=905,
    )
