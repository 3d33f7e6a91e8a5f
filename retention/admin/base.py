"""What every retention screen shares: the archive's admin view with one required action."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from records_dms.accounts.admin.views import ArchiveView
from records_dms.accounts.policy import policy
from records_dms.common.permissions import Permission


class RetentionView(ArchiveView):
    """Needs one of ``any_of`` (in addition to ``required_action`` when set)."""

    any_of: tuple[Permission, ...] = ()

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        # Wagtail's header shows the last breadcrumb: name this screen, not "Home".
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if self.any_of and not any(policy.has(request.user, a) for a in self.any_of):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)
