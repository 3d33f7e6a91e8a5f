"""Reads of retention as one user may see them. A destruction request (and its certificate)
names only the records the viewer may see now: clearance, grant and seal are decided by
records_dms/archive/selectors.py; the others are a count, never a reference, title or hash.

Also the home's to-do (待办事项) of this app."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.selectors import visible_records
from records_dms.common.people import display_name
from records_dms.common.todo import LINES, TodoItem, TodoLine
from retention.models import (
    DeletionRequest,
    DeletionState,
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    ItemState,
    LegalHold,
    RequestState,
)
from retention.permissions import (
    APPROVE_DESTRUCTION,
    EXECUTE_DESTRUCTION,
    MANAGE_HOLDS,
    REVIEW_RETENTION,
    SEAL,
    VIEW_RETENTION,
)
from retention.services.review import due_records


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


@dataclass(frozen=True)
class Tombstone:
    """What a destroyed record's page says instead of its pages (销毁存根)."""

    destroyed_at: datetime.datetime | None
    destroyed_by: str  # the executing user's display name
    request: DestructionRequest
    request_url: str  # "" unless the viewer may open destruction requests
    certificate: DestructionCertificate | None
    certificate_url: str  # "" unless the viewer may have the whole certificate


def record_tombstone(*, user: Any, record: Any) -> Tombstone | None:
    """Who destroyed ``record``, when, under which request and certificate. The caller shows
    the record to ``user`` already (visible_records); the certificate is linked only when
    the viewer may see every record it names (certificate_visible)."""
    item = (
        DestructionItem.objects.filter(record_id=record.pk, state=ItemState.DESTROYED)
        .select_related("request__executed_by")
        .order_by("-destroyed_at")
        .first()
    )
    if item is None:
        return None
    request = item.request
    certificate = DestructionCertificate.objects.filter(request=request).first()
    may_open = policy.has(user, VIEW_RETENTION)
    linked = (
        certificate is not None
        and may_open
        and certificate_visible(user=user, certificate=certificate)
    )
    return Tombstone(
        destroyed_at=item.destroyed_at,
        destroyed_by=display_name(request.executed_by),
        request=request,
        request_url=reverse("retention:request", args=[request.pk]) if may_open else "",
        certificate=certificate,
        certificate_url=reverse("retention:certificate", args=[request.pk]) if linked else "",
    )


def destroyed_on(record_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """When each of these records was destroyed (those destroyed only), for catalogues."""
    rows = DestructionItem.objects.filter(
        record_id__in=list(record_ids), state=ItemState.DESTROYED, destroyed_at__isnull=False
    ).values_list("record_id", "destroyed_at")
    return {record_id: at for record_id, at in rows if at is not None}


def _request_line(destruction: DestructionRequest) -> TodoLine:
    count = destruction.items.count()
    text = _("%(number)s · %(count)d records · proposed by %(who)s") % {
        "number": destruction.number,
        "count": count,
        "who": destruction.proposed_by.get_full_name() or destruction.proposed_by.get_username(),
    }
    return TodoLine(text, reverse("retention:request", args=[destruction.pk]))


def _requests_item(key: str, label: str, rows: Any, state: str) -> TodoItem:
    rows = rows.select_related("proposed_by").order_by("proposed_at")
    url = f"{reverse('retention:requests')}?state={state}"
    return TodoItem(key, label, rows.count(), url, [_request_line(r) for r in rows[:LINES]])


def todo(*, user: Any) -> list[TodoItem]:
    """Due records to review, destruction lists to approve or execute, holds, deletion requests."""
    items = []
    if policy.has(user, REVIEW_RETENTION):
        due = due_records(timezone.localdate(), user=user)
        lines = [
            TodoLine(
                f"{row.record.reference} · {row.record.title} · {row.due_date}",
                reverse("archive:record", args=[row.record_id]),
            )
            for row in due[:LINES]
        ]
        url = reverse("retention:queue")
        items.append(
            TodoItem("retention_due", _("Records due for review"), due.count(), url, lines)
        )
    if policy.has(user, APPROVE_DESTRUCTION):
        waiting = (
            DestructionRequest.objects.filter(state=RequestState.SUBMITTED)
            .exclude(proposed_by_id=user.pk)
            .exclude(approvals__approver_id=user.pk)
        )
        label = _("Destruction requests waiting for your approval")
        items.append(_requests_item("retention_approve", label, waiting, RequestState.SUBMITTED))
    elif policy.has(user, EXECUTE_DESTRUCTION):
        approved = DestructionRequest.objects.filter(state=RequestState.APPROVED)
        label = _("Destruction requests approved, waiting for execution")
        items.append(_requests_item("retention_execute", label, approved, RequestState.APPROVED))
    if policy.has(user, MANAGE_HOLDS):
        holds = LegalHold.objects.filter(lifted_at__isnull=True).order_by("-placed_at")
        lines = [
            TodoLine(f"#{hold.pk} · {hold.reason}", reverse("retention:hold", args=[hold.pk]))
            for hold in holds[:LINES]
        ]
        url = reverse("retention:holds")
        items.append(
            TodoItem("retention_holds", _("Active legal holds"), holds.count(), url, lines)
        )
    if policy.has(user, SEAL):
        open_ = DeletionRequest.objects.filter(state=DeletionState.RECEIVED)
        open_ = open_.select_related("customer").order_by("received_on")
        lines = [
            TodoLine(
                f"{row.number} · {row.customer.code} · {row.received_on.isoformat()}",
                reverse("retention:deletion", args=[row.pk]),
            )
            for row in open_[:LINES]
        ]
        url = reverse("retention:deletions")
        label = _("Deletion requests to answer")
        items.append(TodoItem("retention_deletions", label, open_.count(), url, lines))
    return items
