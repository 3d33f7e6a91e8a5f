"""Why a record may not be destroyed now: a registry the other parts add their reasons to.

The archive knows nothing of loans or holds; lending registers "on loan", retention "held"
(or checks holds itself), and destruction asks ``destruction_blockers`` before proposing,
approving and executing. A blocker answers for many records at once (one query, not one per
record) with a translated reason per blocked record id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from records_dms.archive.models import Record

DestructionBlocker = Callable[[Sequence[Record]], Mapping[int, str]]

_blockers: list[DestructionBlocker] = []


def destruction_blocker_register(blocker: DestructionBlocker) -> DestructionBlocker:
    """Add a blocker (idempotent; usable as a decorator, typically from AppConfig.ready)."""
    if blocker not in _blockers:
        _blockers.append(blocker)
    return blocker


def destruction_blockers(records: Sequence[Record]) -> dict[int, list[str]]:
    """Record id → every reason it may not be destroyed now; records free to go are absent."""
    found: dict[int, list[str]] = {}
    for blocker in _blockers:
        for record_id, reason in blocker(records).items():
            found.setdefault(record_id, []).append(reason)
    return found
