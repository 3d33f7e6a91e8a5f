"""Ranking searches that match very many pages: each term's best pages, kept in the index.

FTS5's bm25 scores every matching page to find the best twenty: 150 ms for a word on 100,000
pages. Search engines avoid that with impact-ordered postings; this backend keeps, per query
term, a *champion list* (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*,
§7.1.3): the term's LIST_SIZE best pages by bm25, with their scores, built by FTS5's own
bm25 the first time a term is searched (or by ``dms reindex`` for the most frequent words) and
saved in the index file for every process.

A search then scores only candidates: the pages of its terms' lists that it matches and the
user may see, and the matching pages indexed after a list was built (scored on the spot).
Pages removed since drop out because they no longer match. The result is exact, not an
approximation, and the search checks that it is (Fagin's threshold algorithm):

* one term: bm25's IDF is the same for every page, so the order is that of the term's
  frequency and the page's length; a page outside the list scored at most the list's last
  score when the list was built;
* several terms (all must match): a page's score is the sum of its terms' scores, so a page in
  none of the lists scores at most the sum of the lists' last scores, and a candidate missing
  from a list at most its known parts plus that list's last score. Candidates are scored
  exactly in order of that bound until no bound can beat the page of hits.

When the check fails (too few candidates, a page of hits deeper than the lists, or a bound
that could still beat the page of hits), the search ranks every page with FTS5 as before. A
list is built again when the index grew by more than a tenth since (bm25's average page length
and IDFs drift) or after a rebuild (a new epoch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import apsw
import numpy as np

from .rank import write_unless_busy

CHAMPIONS = """
CREATE TABLE IF NOT EXISTS champion_lists(
    term TEXT PRIMARY KEY, epoch TEXT NOT NULL, high_water INTEGER NOT NULL,
    complete INTEGER NOT NULL, ids BLOB NOT NULL, scores BLOB NOT NULL
) WITHOUT ROWID;
"""
LIST_SIZE = 3000
GROWTH = 0.1  # a list is built again when the index has grown by this share since
FRESH_MAX = 500  # pages newer than a list scored on the spot; beyond this, build it again
BATCH = 50  # candidates scored exactly at a time
_BM25 = "bm25(fts, 1.0, 0.6, 0.0)"  # as sqlite.BM25
_SAVE = (
    "INSERT OR REPLACE INTO champion_lists(term, epoch, high_water, complete, ids, scores)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)

# Scores page ids exactly for the whole query: ids -> {id: score}, higher is better.
Scorer = Callable[[list[int]], dict[int, float]]


@dataclass(frozen=True)
class ChampionList:
    term: str
    epoch: str
    high_water: int  # the highest page id when it was built
    complete: bool  # it held every page matching the term then
    ids: np.ndarray[Any, Any]  # ascending
    scores: np.ndarray[Any, Any]  # bm25, higher is better, aligned with ids

    @property
    def bound(self) -> float:
        """The most a page outside the list scored when it was built (0 if it holds all)."""
        return 0.0 if self.complete or not len(self.ids) else float(self.scores.min())


class Champions:
    """The champion lists of one index file, cached for one process."""

    def __init__(self) -> None:
        self._lists: dict[str, ChampionList] = {}
        self.pending: dict[str, ChampionList] = {}  # built, not yet saved
        self._lock = threading.Lock()

    def forget(self) -> None:
        with self._lock:
            self._lists.clear()
            self.pending.clear()

    def get(self, con: apsw.Connection, term: str, epoch: str, high_water: int) -> ChampionList:
        """The list of ``term`` (a MATCH expression of one query term), current enough."""
        with self._lock:
            found = self._lists.get(term)
        if found is None or not _current(found, epoch, high_water):
            found = _load(con, term)
            if found is None or not _current(found, epoch, high_water):
                found = build(con, term, epoch, high_water)
                with self._lock:
                    self.pending[term] = found
            with self._lock:
                self._lists[term] = found
        return found

    def rebuilt(self, con: apsw.Connection, term: str, epoch: str, high_water: int) -> None:
        found = build(con, term, epoch, high_water)
        with self._lock:
            self._lists[term] = self.pending[term] = found

    def save(self, con: apsw.Connection) -> None:
        """Write the lists built since the last save, if the index is not busy writing."""
        with self._lock:
            pending, self.pending = self.pending, {}
        if not pending:
            return
        if not write_unless_busy(con, _SAVE, [_row(found) for found in pending.values()]):
            with self._lock:
                self.pending = {**pending, **self.pending}  # next time

    def top(
        self,
        con: apsw.Connection,
        terms: list[str],
        visible: np.ndarray[Any, Any],
        wanted: int,
        score: Scorer,
        epoch: str,
        high_water: int,
    ) -> list[tuple[int, float]] | None:
        """The ``wanted`` best of ``visible`` (page ids matching all ``terms``) with their
        scores, best first; None when the lists cannot prove it (rank every page instead)."""
        if wanted > LIST_SIZE // 2:
            return None
        lists = [self.get(con, term, epoch, high_water) for term in terms]
        oldest = min(found.high_water for found in lists)
        fresh = visible[visible > oldest]
        if len(fresh) > FRESH_MAX:
            for found in lists:
                if found.high_water == oldest:
                    self.rebuilt(con, found.term, epoch, high_water)
            return self.top(con, terms, visible, wanted, score, epoch, high_water)
        return _threshold(lists, visible, fresh, wanted, score)


def _threshold(
    lists: list[ChampionList],
    visible: np.ndarray[Any, Any],
    fresh: np.ndarray[Any, Any],
    wanted: int,
    score: Scorer,
) -> list[tuple[int, float]] | None:
    listed = np.unique(np.concatenate([found.ids for found in lists]))
    candidates = np.setdiff1d(listed[_within(listed, visible)], fresh, assume_unique=True)
    # Known parts and bounds of each candidate's score (fresh pages are scored below).
    known = np.zeros(len(candidates))
    bound = np.zeros(len(candidates))
    complete = np.ones(len(candidates), dtype=bool)
    for found in lists:
        at = np.searchsorted(found.ids, candidates)
        inside = at < len(found.ids)
        inside[inside] = found.ids[at[inside]] == candidates[inside]
        known[inside] += found.scores[at[inside]]
        bound[~inside] += found.bound
        complete &= inside
    scored = score([int(page) for page in fresh]) if len(fresh) else {}
    ids = [candidates[complete], np.fromiter(scored, dtype=np.int64, count=len(scored))]
    scores = [known[complete], np.fromiter(scored.values(), dtype=np.float64, count=len(scored))]
    open_ids, open_bounds = candidates[~complete], (known + bound)[~complete]
    order = np.argsort(-open_bounds, kind="stable")
    open_ids, open_bounds = open_ids[order], open_bounds[order]
    outside = sum(found.bound for found in lists)  # the most any page in no list scores
    done = 0
    while True:
        floor = _kth(np.concatenate(scores), wanted)
        if done >= len(open_ids) or floor >= float(open_bounds[done]):
            break
        scored = score(open_ids[done : done + BATCH].tolist())
        ids.append(np.fromiter(scored, dtype=np.int64, count=len(scored)))
        scores.append(np.fromiter(scored.values(), dtype=np.float64, count=len(scored)))
        done += BATCH
    all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
    if len(all_ids) < wanted or floor < outside:
        return None
    order = np.lexsort((all_ids, -all_scores))[:wanted]  # best first, then by page id
    return list(zip(all_ids[order].tolist(), all_scores[order].tolist(), strict=True))


def _kth(scores: np.ndarray[Any, Any], wanted: int) -> float:
    """The ``wanted``-th best of ``scores``, or -1 when there are fewer."""
    if len(scores) < wanted:
        return -1.0
    return float(np.partition(scores, len(scores) - wanted)[len(scores) - wanted])


def _within(ids: np.ndarray[Any, Any], sorted_ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    at = np.searchsorted(sorted_ids, ids)
    inside = at < len(sorted_ids)
    inside[inside] = sorted_ids[at[inside]] == ids[inside]
    return inside


def _current(found: ChampionList, epoch: str, high_water: int) -> bool:
    return found.epoch == epoch and high_water - found.high_water <= GROWTH * found.high_water


def build(con: apsw.Connection, term: str, epoch: str, high_water: int) -> ChampionList:
    """Rank every page matching ``term`` with FTS5's bm25 and keep the best LIST_SIZE."""
    rows = con.execute(
        f"SELECT rowid, {_BM25} AS r FROM fts WHERE fts MATCH ? ORDER BY r, rowid LIMIT ?",  # noqa: S608
        (f"{{text meta}} : ({term})", LIST_SIZE),
    ).fetchall()
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    scores = -np.array([row[1] for row in rows], dtype=np.float64)
    order = np.argsort(ids)
    return ChampionList(term, epoch, high_water, len(rows) < LIST_SIZE, ids[order], scores[order])


def _load(con: apsw.Connection, term: str) -> ChampionList | None:
    row = con.execute(
        "SELECT epoch, high_water, complete, ids, scores FROM champion_lists WHERE term = ?", (term,)
    ).fetchone()
    if row is None:
        return None
    epoch, high_water, complete, ids, scores = row
    return ChampionList(
        term, epoch, int(high_water), bool(complete),
        np.frombuffer(ids, dtype=np.int64), np.frombuffer(scores, dtype=np.float64),
    )  # fmt: skip


def _row(found: ChampionList) -> tuple[Any, ...]:
    return (
        found.term, found.epoch, found.high_water, int(found.complete),
        found.ids.astype(np.int64).tobytes(), found.scores.astype(np.float64).tobytes(),
    )  # fmt: skip


def prebuild(con: apsw.Connection, terms: list[str], epoch: str, high_water: int) -> int:
    """Build and save the lists of ``terms`` (at rebuild: the most frequent words)."""
    built = [_row(build(con, term, epoch, high_water)) for term in terms]
    with con:
        con.executemany(
            _SAVE,
            built,
        )
    return len(built)
