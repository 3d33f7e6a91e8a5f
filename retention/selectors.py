"""Reads of retention as one user may see them. A destruction request (and its certificate)
names only the records the viewer may see now: clearance, grant and seal are decided by
records_dms/archive/selectors.py; the others are a count, never a reference, title or hash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from records_dms.archive.selectors import visible_records
from retention.models import DestructionCertificate, DestructionItem, DestructionRequest


@dataclass(frozen=True)
class VisibleItems:
    """A request's items within the viewer's reach, and how many others there are."""

    shown: list[DestructionItem]
    hidden: int


def destruction_items_visible(*, user: Any, request: DestructionRequest) -> VisibleItems:
    """Trim a request's items to the records ``user`` may see (destroyed ones included: their
    tombstone keeps its customer and level)."""
    items = list(request.items.all())
    ids = [item.record_id for item in items]
    seen = set(visible_records(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = [item for item in items if item.record_id in seen]
    return VisibleItems(shown, len(items) - len(shown))


def certificate_visible(*, user: Any, certificate: DestructionCertificate) -> bool:
    """The signed certificate lists every item and cannot be trimmed: only a viewer who may
    see all of them gets it."""
    return destruction_items_visible(user=user, request=certificate.request).hidden == 0
