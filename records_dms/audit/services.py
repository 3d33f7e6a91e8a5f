"""Writing to and checking the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from records_dms.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

# Who is acting when no user is (the CLI operator, a task, a migration).
_operator: ContextVar[str] = ContextVar("audit_operator", default="system")


@contextmanager
def audit_operator(name: str) -> Iterator[None]:
    """Record events written inside this block without a user as made by ``name``."""
    token = _operator.set(name)
    try:
        yield
    finally:
        _operator.reset(token)


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the hash covers exactly what the database keeps."""
    result: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    return result


def audit_log(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    actor_name: str = "",
    obj: Any = None,
    customer_code: str = "",
    purpose: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Call it in the same transaction as the change it describes, so the change and its
    event are committed or rolled back together.
    """
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        user = actor if actor is not None and actor.is_authenticated else None
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            actor_id=user.pk if user is not None else None,
            actor_name=actor_name or (user.get_username() if user is not None else _operator.get()),
            action=action,
            object_type=obj._meta.model_name if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            customer_code=customer_code,
            purpose=purpose[:255],
            data=_normalise(data or {}),
            previous_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(
            last_sequence=event.sequence, last_hash=event.hash
        )
    return event


@dataclass(frozen=True)
class ChainFinding:
    sequence: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.sequence}" if self.sequence is not None else "chain head"
        return f"{where}: {self.problem}"


def audit_chain_verify() -> list[ChainFinding]:
    """Recompute every hash; return the first break found (empty list: the chain is intact)."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    last_sequence = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return [ChainFinding(event.sequence, f"expected event #{expected_sequence} here")]
        if event.previous_hash != previous_hash:
            return [ChainFinding(event.sequence, "previous hash does not match the event before")]
        if event.compute_hash() != event.hash:
            return [ChainFinding(event.sequence, "content does not match its hash")]
        previous_hash = event.hash
        expected_sequence += 1
        last_sequence = event.sequence
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_sequence, head.last_hash) != (last_sequence, previous_hash):
        return [ChainFinding(None, "events are missing after the last one found")]
    return []
