"""The pages each costly query term matches, kept in the index as page-id sets.

Two kinds of term cost FTS5 the most here, and both are common in an archive:

* a phrase of common words: for 客户信息 (the phrase 客户 + 信息) FTS5 walks the positions of
  both words on nearly every page, 53 ms at 100,000 pages;
* a word on most pages (客户, 档案): reading its posting list and handing every page id back
  to Python costs about 20 ms at 100,000 pages, 200 ms at 1,000,000.

Such a term's matching page ids are kept instead: made by the first search with it (the
term alone, through FTS5), saved for every process, and held as a bitmap when dense (12.5 KB
for 100,000 pages). A search intersects the kept sets of its terms with what FTS5 finds for
the rest of the query, in numpy.

Kept sets stay right as the index changes: pages filed since are found by FTS5 with
``rowid > high water`` (ids only grow, columns.py), and removed pages drop out in the
intersection with the rest of the query, or against the live pages (``Columns.live``) when
there is no rest. A rebuild or a clear starts a new epoch and every set is made again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import apsw
import numpy as np

from search.backends.sqlite.columns import matching_ids
from search.backends.sqlite.rank import write_unless_busy

TERM_SETS = """
CREATE TABLE IF NOT EXISTS term_sets(
    term TEXT PRIMARY KEY, epoch TEXT NOT NULL, high_water INTEGER NOT NULL,
    bitmap INTEGER NOT NULL, ids BLOB NOT NULL
) WITHOUT ROWID;
"""
WORD_MIN = 5000  # a single word is kept when it is on at least this many pages
RESAVE = 1000  # pages filed since a set was saved: beyond this, save it again with them
CACHED = 256  # sets held in memory per process (least recently used go)
_NONE = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class TermSet:
    term: str
    epoch: str
    high_water: int  # the highest page id when it was made
    bitmap: bool
    packed: bytes  # int64 ids, or a bitmap over ids 0..high_water (np.packbits)
    newer: np.ndarray[Any, Any]  # ids above the high water found since, ascending
    checked: int  # pages up to this id have been looked at

    @classmethod
    def of(cls, term: str, epoch: str, high_water: int, ids: np.ndarray[Any, Any]) -> TermSet:
        dense = len(ids) * 64 > high_water + 1  # a bitmap is smaller
        if dense:
            bits = np.zeros(high_water + 1, dtype=bool)
            bits[ids] = True
            packed = np.packbits(bits).tobytes()
        else:
            packed = ids.astype(np.int64).tobytes()
        return cls(term, epoch, high_water, dense, packed, _NONE, high_water)

    def ids(self) -> np.ndarray[Any, Any]:
        """The page ids, ascending (perhaps with pages removed since)."""
        if self.bitmap:
            bits = np.unpackbits(np.frombuffer(self.packed, dtype=np.uint8))
            kept = np.flatnonzero(bits[: self.high_water + 1]).astype(np.int64)
        else:
            kept = np.frombuffer(self.packed, dtype=np.int64)
        return np.concatenate([kept, self.newer]) if len(self.newer) else kept


class TermSets:
    """The kept term sets of one index file, cached for one process."""

    def __init__(self) -> None:
        self._sets: OrderedDict[str, TermSet] = OrderedDict()
        self.pending: dict[str, TermSet] = {}  # made or grown, not yet saved
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._sets.clear()
            self.pending.clear()

    def ids(
        self, con: apsw.Connection, term: str, epoch: str, high_water: int
    ) -> np.ndarray[Any, Any]:
        """The ids of the pages ``term`` (one query term) matches, and perhaps of pages
        removed since; ascending."""
        with self._lock:
            found = self._sets.get(term)
        if found is None or found.epoch != epoch:
            found = _load(con, term)
        if found is None or found.epoch != epoch:
            found = TermSet.of(term, epoch, high_water, matching_ids(con, _text(term)))
            self._keep(found, save=True)
        elif found.checked < high_water:
            newer = matching_ids(con, _text(term), after=found.checked)
            if len(found.newer) + len(newer) > RESAVE:
                found = TermSet.of(term, epoch, high_water, np.concatenate([found.ids(), newer]))
                self._keep(found, save=True)
            else:
                found = TermSet(
                    term, epoch, found.high_water, found.bitmap, found.packed,
                    np.concatenate([found.newer, newer]), high_water,
                )  # fmt: skip
                self._keep(found, save=False)
        else:
            self._keep(found, save=False)
        return found.ids()

    def prebuild(self, con: apsw.Connection, terms: list[str], epoch: str, high_water: int) -> None:
        """Make and save the sets of ``terms`` now (at rebuild: the most frequent words)."""
        for term in terms:
            self._keep(TermSet.of(term, epoch, high_water, matching_ids(con, _text(term))), True)
        self.save(con, wait=True)

    def _keep(self, found: TermSet, save: bool) -> None:
        with self._lock:
            self._sets[found.term] = found
            self._sets.move_to_end(found.term)
            while len(self._sets) > CACHED:
                self._sets.popitem(last=False)
            if save:
                self.pending[found.term] = found

    def save(self, con: apsw.Connection, wait: bool = False) -> None:
        """Write the sets made since the last save, if the index is not busy writing (or
        waiting for it, with ``wait``)."""
        with self._lock:
            pending, self.pending = self.pending, {}
        if not pending:
            return
        rows = [
            (found.term, found.epoch, found.high_water, int(found.bitmap), found.packed)
            for found in pending.values()
        ]
        sql = (
            "INSERT OR REPLACE INTO term_sets(term, epoch, high_water, bitmap, ids)"
            " VALUES (?, ?, ?, ?, ?)"
        )
        if not write_unless_busy(con, sql, rows, wait=wait):
            with self._lock:
                self.pending = {**pending, **self.pending}  # next time


def _text(term: str) -> str:
    return f"{{text meta}} : ({term})"


def _load(con: apsw.Connection, term: str) -> TermSet | None:
    row = con.execute(
        "SELECT epoch, high_water, bitmap, ids FROM term_sets WHERE term = ?", (term,)
    ).fetchone()
    if row is None:
        return None
    epoch, high_water, bitmap, packed = row
    high_water = int(high_water)
    return TermSet(term, str(epoch), high_water, bool(bitmap), bytes(packed), _NONE, high_water)


def _intersection(sets: list[Any]) -> Any:
    """The ids in every one of ``sets`` (each ascending), ascending: the smallest set filtered
    through a lookup table of each other one."""
    sets = sorted(sets, key=len)
    found = sets[0]
    for other in sets[1:]:
        if not len(found):
            break
        found = found[np.isin(found, other, kind="table")]
    return found
