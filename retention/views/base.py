"""What every retention screen shares: the archive's admin view with one required action."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action
from records_dms.archive.models import Record
from records_dms.web.views.base import ArchiveView


class RetentionView(ArchiveView):
    """Needs one of ``any_of`` (in addition to ``required_action`` when set)."""

    any_of: tuple[Action, ...] = ()

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        # Wagtail's header shows the last breadcrumb: name this screen, not "Home".
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if self.any_of and not any(policy.has(request.user, a) for a in self.any_of):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def require(request: HttpRequest, action: Action) -> None:
    if not policy.has(request.user, action):
        raise PermissionDenied


def visible_records(request: HttpRequest, references: Iterable[str]) -> list[Record]:
    """The named records the user may see; an unknown or hidden reference is refused."""
    wanted = [r for r in references if r]
    found = {r.reference: r for r in policy.records(request.user).filter(reference__in=wanted)}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise ValidationError(f"no record {', '.join(missing)}")
    return [found[r] for r in wanted]


def error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)
