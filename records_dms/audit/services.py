"""Writing to and checking the audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from records_dms.audit.models import AuditChainHead, AuditEvent
from records_dms.common.chain import ChainFinding, HashChain, normalised
from records_dms.common.checkpoints import Checkpoint

__all__ = ["ChainFinding", "audit_chain_verify", "audit_log", "audit_operator", "audit_seals"]

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


AUDIT_CHAIN = HashChain(name="audit", noun="events", entry=AuditEvent, head=AuditChainHead)


def audit_log(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    actor_name: str = "",
    obj: Any = None,
    customer_code: str = "",
    purpose: str = "",
    data: dict[str, Any] | None = None,
    seals: Sequence[dict[str, Any]] = (),
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Call it in the same transaction as the change it describes, so the change and its
    event are committed or rolled back together. ``seals`` (``chain.seal(...)``) are digests
    of rows this event changed; ``dms verify`` compares them with the rows as they are now.
    """
    user = actor if actor is not None and actor.is_authenticated else None
    payload = dict(data or {})
    if seals:
        payload["seals"] = list(seals)

    def build(sequence: int, previous_hash: str) -> AuditEvent:
        return AuditEvent(
            sequence=sequence,
            occurred_at=timezone.now(),
            actor_id=user.pk if user is not None else None,
            actor_name=actor_name or (user.get_username() if user is not None else _operator.get()),
            action=action,
            object_type=obj._meta.model_name if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            customer_code=customer_code,
            purpose=purpose[:255],
            data=normalised(payload),
            previous_hash=previous_hash,
        )

    event: AuditEvent = AUDIT_CHAIN.append(build)
    return event


def audit_chain_verify(checkpoints: Iterable[Checkpoint] = ()) -> list[ChainFinding]:
    """Every event, the signed head and the checkpoints (empty list: the chain is intact)."""
    return AUDIT_CHAIN.verify(checkpoints=checkpoints)


def audit_seals(kind: str) -> dict[str, dict[str, Any]]:
    """The newest seal of each row of ``kind`` that events carry: id → seal."""
    newest: dict[str, dict[str, Any]] = {}
    events = AuditEvent.objects.filter(data__has_key="seals").order_by("sequence")
    for data in events.values_list("data", flat=True).iterator(chunk_size=2000):
        for sealed in data.get("seals", []):
            if sealed.get("kind") == kind:
                newest[str(sealed.get("id"))] = sealed
    return newest


def audit_trail_export(*, filters: Any, file_format: str, actor: User | AnonymousUser) -> bytes:
    """The events ``filters`` select as ``csv`` or ``xlsx``; the export itself is audited
    (who, format, filters, row count) in the same transaction."""
    from django.db import transaction

    from records_dms.audit import events as names
    from records_dms.audit.exports import audit_csv, audit_xlsx
    from records_dms.audit.selectors import audit_events

    render = {"csv": audit_csv, "xlsx": audit_xlsx}[file_format]
    with transaction.atomic():
        selected = audit_events(filters)
        content = render(selected.iterator(chunk_size=2000))
        audit_log(
            action=names.AUDIT_EXPORTED,
            actor=actor,
            data={"format": file_format, "filters": filters.as_params(), "rows": selected.count()},
        )
    return content
