"""Crash-injection points for the chaos harness (benchmarks/chaos.py); free when unused.

``DMS_CHAOS_KILL_AT=NAME`` (or ``NAME@N``) makes the process kill itself with SIGKILL the first
(or N-th) time it passes ``chaos_point(NAME)``: the state a power cut at that moment leaves.
The variable is read once, at import; production never sets it.
"""

from __future__ import annotations

import os
import signal

_NAME, _, _NTH = os.environ.get("DMS_CHAOS_KILL_AT", "").partition("@")
_COUNT = int(_NTH or 1)
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
    "ingest:handtosearch",
    "ingest:attachments",
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
    if not _NAME or name != _NAME:
        return
    _seen += 1
    if _seen >= _COUNT:
        os.kill(os.getpid(), signal.SIGKILL)
