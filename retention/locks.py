"""Retention's side of S3 Object Lock: due dates become object locks, holds legal-hold flags.

The storage-lock API (records_dms.archive.object_lock) does the talking to the store; this module
decides when. On the local folder (the embedded size) every function returns at once, before
any query, so that path pays nothing.

- A due date set, or moved later (a trigger, an extension, a schedule edit, in bulk), locks the
  original through it (``locks_after_recompute``). A date moved earlier, or cleared, changes
  nothing: the store never shortens a lock. A record with no due date keeps the minimum lock it
  was written with (DMS_S3_MIN_LOCK_DAYS).
- Protective changes (lock longer, legal hold on) are made before the database commits, so the
  database never claims more protection than the store gives; releasing ones (legal hold off)
  only after it committed.
- ``locks_reapply`` puts every record's lock and legal hold on the store again (after
  ``dms restore`` into S3).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence

from django.db import transaction

from records_dms.archive.models import Record, RecordState
from records_dms.archive.object_lock import (
    object_lock_enabled,
    original_legal_hold,
    original_lock_until,
)
from retention.models import LegalHold, RecordRetention

log = logging.getLogger(__name__)

DueChange = tuple[Record, datetime.date | None, datetime.date | None]


def _moved_later(before: datetime.date | None, after: datetime.date | None) -> bool:
    return after is not None and (before is None or after > before)


def locks_after_recompute(changes: Sequence[DueChange], created: Sequence[Record]) -> int:
    """After a recomputation: lock each original whose due date was set or moved later, and
    raise the legal-hold flag of records new to retention that a hold already covers (filed
    into a held dossier or volume). Returns how many originals were locked further."""
    if not object_lock_enabled():
        return 0
    locked = 0
    for record, before, after in changes:
        if _moved_later(before, after):
            original_lock_until(record, after)
            locked += 1
    if created:
        from retention.services.holds import holds_on

        held = holds_on(list(created))
        for record in created:
            if record.pk in held:
                original_legal_hold(record, True)
    return locked


def hold_flags_on(records: Iterable[Record]) -> None:
    """A hold was placed: raise the legal-hold flag of every original it covers."""
    if not object_lock_enabled():
        return
    for record in records:
        if record.state != RecordState.DESTROYED:
            original_legal_hold(record, True)


def hold_flags_off(hold: LegalHold) -> None:
    """A hold was lifted: once the lift has committed, lower the flag of every original it
    covered that no other active hold still covers."""
    if not object_lock_enabled():
        return
    from retention.services.holds import hold_records, holds_on

    covered = list(hold_records(hold).exclude(state=RecordState.DESTROYED))
    still_held = holds_on(covered)
    released = [r for r in covered if r.pk not in still_held]

    def lower() -> None:
        for record in released:
            original_legal_hold(record, False)

    transaction.on_commit(lower)


def locks_reapply() -> int:
    """Lock every record's original through its due date (the minimum without one) and raise
    the legal-hold flag of every held record: after a restore into an S3 bucket, whose objects
    only got the minimum lock when written. Returns how many originals were visited."""
    if not object_lock_enabled():
        return 0
    from retention.services.holds import hold_records

    due = dict(RecordRetention.objects.values_list("record_id", "due_date"))
    records = Record.objects.exclude(state=RecordState.DESTROYED).exclude(original_key="")
    count = 0
    for record in records.iterator():
        original_lock_until(record, due.get(record.pk))
        count += 1
    held: dict[int, Record] = {}
    for hold in LegalHold.objects.filter(lifted_at__isnull=True):
        held.update({r.pk: r for r in hold_records(hold).exclude(state=RecordState.DESTROYED)})
    hold_flags_on(held.values())
    return count
