"""Who wants to know that a record's retention trigger may have changed.

The archive knows nothing of retention: closing or reopening a case, filing a record, changing
its type or date, or ending a customer relationship tells every registered listener which
records are affected, inside the same transaction. Retention registers its due-date
recomputation here from its AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RecordTrigger = Callable[..., None]

_listeners: list[RecordTrigger] = []


def record_trigger_register(listener: RecordTrigger) -> RecordTrigger:
    """Add a listener ``(record_ids, *, actor, reason)`` (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def record_triggers_changed(record_ids: Iterable[int], *, actor: Any, reason: str) -> None:
    """Tell every listener that these records' retention triggers may have changed."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    for listener in _listeners:
        listener(ids, actor=actor, reason=reason)
