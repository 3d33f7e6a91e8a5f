"""The audit trail in the Wagtail admin."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem
from records_dms.audit.admin.views import AuditTrailView, audit_export
from records_dms.audit.permissions import VIEW_AUDIT


@hooks.register("register_admin_urls")
def register_audit_urls() -> list[Any]:
    patterns = [
        path("audit/", AuditTrailView.as_view(), name="audit"),
        path("audit/export/", audit_export, name="audit_export"),
    ]
    return [path("archive/", include((patterns, "audit"), namespace="audit"))]


@hooks.register("register_admin_menu_item")
def register_audit_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Audit trail"),
        reverse("audit:audit"),
        actions=(VIEW_AUDIT,),
        icon_name="history",
        order=900,
    )
