"""What the archive tells whoever listens: records changed.

Archive services (filing, page extraction, metadata edits) and the services of retention
(approval for destruction, destruction, sealing) call ``records_changed`` inside the
transaction that changes the records. They do not know who listens: the search index
(records_dms/archive/indexing.py) connects to ``record_changed`` from the archive's
AppConfig.ready, journals the change in the same transaction and updates the index once the
transaction commits, once for all the changes it made.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

# Sent with ``record_ids`` (a sorted tuple), ``reason`` (the audit event's name, for the
# journal), ``fields`` (the names of the fields that changed, or None: anything may have
# changed, e.g. a new record) and ``withdraw`` (the records are being destroyed: take them out
# of the index now, before the destroying transaction commits).
record_changed = Signal()


def records_changed(
    record_ids: Iterable[int],
    *,
    reason: str,
    fields: Iterable[str] | None = None,
    withdraw: bool = False,
) -> None:
    """Tell every listener that these records changed (call it inside the change's transaction)."""
    ids = tuple(sorted(set(record_ids)))
    if not ids:
        return
    record_changed.send(
        sender=records_changed,
        record_ids=ids,
        reason=reason,
        fields=None if fields is None else frozenset(fields),
        withdraw=withdraw,
    )
