"""Crash-injection points for the chaos harness (benchmarks/chaos.py); free when unused.

``DMS_CHAOS_KILL_AT=NAME`` (or ``NAME@N``) makes the process kill itself with SIGKILL the first
(or N-th) time it passes ``chaos_point(NAME)``: the state a power cut at that moment leaves.
The variable (``settings.CHAOS.kill_at``) is read once, at the first point passed; production
never sets it.
"""

from __future__ import annotations

import functools
import os
import signal

from django.conf import settings

_seen = 0

# Every point the harness may pick, in the order a run passes them.
POINTS = (
    "ingest:submitted",
    "ingest:preflight",
    "ingest:duplicatecheck",
    "ingest:storeoriginal",
    "ingest:parse",
    "ingest:normalise",
    "ingest:filerecord",
    "ingest:attachments",
    "ingest:inspect",
    "ingest:saved",
    "destruction:started",
    "destruction:purging",
    "destruction:files-deleted",
    "destruction:unindexed",
    "destruction:item-destroyed",
    "destruction:certificate",
    "certificate:stored",
)


def chaos_point(name: str) -> None:
    """Die here if the harness asked for it."""
    global _seen
    target, count = _target()
    if not target or name != target:
        return
    _seen += 1
    if _seen >= count:
        os.kill(os.getpid(), signal.SIGKILL)


@functools.cache
def _target() -> tuple[str, int]:
    """The point named by DMS_CHAOS_KILL_AT and how many passes it waits for."""
    name, _, nth = settings.CHAOS.kill_at.partition("@")
    return name, int(nth or 1)
