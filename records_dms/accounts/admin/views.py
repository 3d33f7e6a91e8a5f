from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from records_dms.accounts.policy import policy
from records_dms.archive.models import Customer, Record
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.common.permissions import Permission


class ArchiveView(WagtailAdminTemplateMixin, View):
    """An admin screen that needs one archive action; objects outside the user's reach 404."""

    required_action: Permission | None = None

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        # Wagtail's default trail is "Home" alone, which the header then shows as the page's
        # title (the search page said 首页); the page's own title ends the trail.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if self.required_action and not policy.has(request.user, self.required_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def require_action(request: HttpRequest, action: Permission) -> None:
    """A screen (or one of its buttons) the user's roles do not allow: 403."""
    if not policy.has(request.user, action):
        raise PermissionDenied


def visible_customer(request: HttpRequest, pk: int) -> Customer:
    """The customer if the user may open its dossier; 404 otherwise, so nothing leaks."""
    customer: Customer = get_object_or_404(visible_customers(user=request.user), pk=pk)
    return customer


def visible_record(request: HttpRequest, pk: int) -> Record:
    """The record if the user may see it; 404 otherwise."""
    record: Record = get_object_or_404(
        visible_records(user=request.user).select_related("customer", "volume", "complaint"), pk=pk
    )
    return record
