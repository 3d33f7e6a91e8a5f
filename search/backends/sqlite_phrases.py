"""The pages each multi-word phrase of a query matches, kept in the index.

A phrase of common words is the costliest thing FTS5 does here: for 客户信息 (the phrase
客户 + 信息) it walks the positions of both words on nearly every page, 53 ms at 100,000
pages, while a single word costs 5–11 ms. Each phrase's matching page ids are kept instead
(the first search with it builds them, and saves them for every process): a search
intersects them with what FTS5 finds for the rest of the query, in numpy.

Kept ids stay right as the index changes: pages filed since are found by FTS5 with
``rowid > high water`` (ids only grow), and removed pages drop out in the intersection with
the rest of the query, or against the live pages (sqlite_columns.Columns) when there is no
rest. A rebuild or a clear starts a new epoch and every set is built again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import apsw
import numpy as np

from .sqlite_columns import matching_ids
from .sqlite_rank import BUSY_MS

PHRASE_SETS = """
CREATE TABLE IF NOT EXISTS phrase_sets(
    term TEXT PRIMARY KEY, epoch TEXT NOT NULL, high_water INTEGER NOT NULL, ids BLOB NOT NULL
) WITHOUT ROWID;
"""
RESAVE = 1000  # pages filed since a set was saved: beyond this, save it again with them


@dataclass(frozen=True)
class PhraseSet:
    term: str
    epoch: str
    high_water: int  # the highest page id when it was made
    ids: np.ndarray[Any, Any]  # ascending; may hold pages removed since


class PhraseSets:
    """The kept phrase sets of one index file, cached for one process."""

    def __init__(self) -> None:
        self._sets: dict[str, PhraseSet] = {}
        self.pending: dict[str, PhraseSet] = {}  # made or grown, not yet saved
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._sets.clear()
            self.pending.clear()

    def ids(
        self, con: apsw.Connection, term: str, epoch: str, high_water: int
    ) -> np.ndarray[Any, Any]:
        """The ids of the pages ``term`` (one query term, a phrase) matches, and perhaps of
        pages removed since; ascending."""
        with self._lock:
            found = self._sets.get(term)
        if found is None or found.epoch != epoch:
            found = _load(con, term)
        if found is None or found.epoch != epoch:
            found = PhraseSet(term, epoch, high_water, matching_ids(con, _text(term)))
            self._keep(found, save=True)
        elif found.high_water < high_water:
            newer = matching_ids(con, _text(term), after=found.high_water)
            grown = PhraseSet(term, epoch, high_water, np.concatenate([found.ids, newer]))
            self._keep(grown, save=len(newer) > RESAVE)
            found = grown
        return found.ids

    def _keep(self, found: PhraseSet, save: bool) -> None:
        with self._lock:
            self._sets[found.term] = found
            if save:
                self.pending[found.term] = found

    def save(self, con: apsw.Connection) -> None:
        """Write the sets made since the last save, if the index is not busy writing."""
        with self._lock:
            pending, self.pending = self.pending, {}
        if not pending:
            return
        rows = [
            (found.term, found.epoch, found.high_water, found.ids.astype(np.int64).tobytes())
            for found in pending.values()
        ]
        con.set_busy_timeout(50)  # a search never waits on a writer for this
        try:
            with con:
                con.executemany(
                    "INSERT OR REPLACE INTO phrase_sets(term, epoch, high_water, ids)"
                    " VALUES (?, ?, ?, ?)",
                    rows,
                )
        except apsw.BusyError:
            with self._lock:
                self.pending = {**pending, **self.pending}  # next time
        finally:
            con.set_busy_timeout(BUSY_MS)


def _text(term: str) -> str:
    return f"{{text meta}} : ({term})"


def _load(con: apsw.Connection, term: str) -> PhraseSet | None:
    row = con.execute(
        "SELECT epoch, high_water, ids FROM phrase_sets WHERE term = ?", (term,)
    ).fetchone()
    if row is None:
        return None
    epoch, high_water, ids = row
    return PhraseSet(term, str(epoch), int(high_water), np.frombuffer(ids, dtype=np.int64))
