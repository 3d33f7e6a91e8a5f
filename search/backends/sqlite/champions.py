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

Scores move as the index changes: bm25's IDFs follow the number of pages and the average page
length moves with every page filed. So a list keeps, for each of its pages, what does not
move (the page's length and its weighted frequency of each phrase of the term) and the IDFs
and average length it was built with. A search scores the listed pages with the current
statistics (exactly, in numpy), and bounds a page outside the list by the list's lowest score
at build, widened by how far the statistics moved: bm25's part for a phrase is
idf·f(k1+1)/(f + k1(1-b+b·len/avg)), which grows at most by the IDF's ratio and by
max(1, avg now/avg then) (the length term shrinks at most in that ratio), and never exceeds
idf·(k1+1). The bounds stay sound however the index grows; they only loosen, and a list is
built again when the index grew by more than a tenth since or after a rebuild (a new epoch).

When the check fails (too few candidates, a page of hits deeper than the lists, or a bound
that could still beat the page of hits), the search ranks every page with FTS5 as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import apsw
import numpy as np

from search.backends.sqlite.rank import K1, B, wanted, write_unless_busy

# (An index made before lists kept their statistics has a table ``champions``, left unused.)
CHAMPIONS = """
CREATE TABLE IF NOT EXISTS champion_lists(
    term TEXT PRIMARY KEY, epoch TEXT NOT NULL, high_water INTEGER NOT NULL,
    complete INTEGER NOT NULL, ids BLOB NOT NULL, lengths BLOB NOT NULL,
    frequencies BLOB NOT NULL, idfs BLOB NOT NULL, average REAL NOT NULL
) WITHOUT ROWID;
"""
LIST_SIZE = 3000
GROWTH = 0.1  # a list is built again when the index has grown by this share since
FRESH_MAX = 500  # pages newer than a list scored on the spot; beyond this, build it again
BATCH = 50  # candidates scored exactly at a time
_BM25 = "bm25(fts, 1.0, 0.6, 0.0)"  # as sqlite.BM25
_SAVE = (
    "INSERT OR REPLACE INTO champion_lists(term, epoch, high_water, complete, ids, lengths,"
    " frequencies, idfs, average) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SLACK = 1e-9  # floating point: FTS5's sums and numpy's need not agree to the last bit

# Scores page ids exactly for the whole query: ids -> {id: score}, higher is better.
Scorer = Callable[[list[int]], dict[int, float]]


@dataclass(frozen=True)
class Statistics:
    """What bm25 needs of the whole index for one term: each phrase's IDF, the average
    page length (in tokens, all columns)."""

    idfs: np.ndarray[Any, Any]
    average: float

    @classmethod
    def parse(cls, text: str) -> Statistics:
        average, *idfs = (float(value) for value in text.split())
        return cls(np.array(idfs, dtype=np.float64), average)


@dataclass(frozen=True)
class ChampionList:
    term: str
    epoch: str
    high_water: int  # the highest page id when it was built
    complete: bool  # it held every page matching the term then
    ids: np.ndarray[Any, Any]  # ascending
    lengths: np.ndarray[Any, Any]  # each page's length in tokens (all columns)
    frequencies: np.ndarray[Any, Any]  # phrases × pages: weighted occurrences
    built: Statistics  # the index's statistics when it was built
    floor: float  # the lowest score in the list then (a page outside scored at most this)

    def scores(self, now: Statistics) -> np.ndarray[Any, Any]:
        """The listed pages' bm25 scores (higher is better) with the current statistics."""
        if not len(self.ids):
            return np.zeros(0)
        return _bm25(self.frequencies, self.lengths, now)

    def bound(self, now: Statistics) -> float:
        """The most a page outside the list scores now (0 if it held them all). Pages
        filed since it was built are not bounded by it: they are scored."""
        if self.complete or not len(self.ids):
            return 0.0
        idf_growth = float(np.max(now.idfs / self.built.idfs))
        growth = idf_growth * max(1.0, now.average / self.built.average)
        ceiling = float(np.sum(now.idfs)) * (K1 + 1)  # each phrase's part is below idf·(k1+1)
        return min(self.floor * growth, ceiling) * (1 + _SLACK) + _SLACK


def _bm25(
    frequencies: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any], now: Statistics
) -> np.ndarray[Any, Any]:
    """FTS5's bm25 (rank.py's Bm25), for many pages at once."""
    normal = K1 * (1 - B + B * lengths / now.average)
    parts = frequencies * (K1 + 1) / (frequencies + normal)
    result: np.ndarray[Any, Any] = now.idfs @ parts
    return result


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
        now = [statistics(con, found.term) for found in lists]
        if any(stats is None for stats in now):
            return None  # a term matches nothing now (the pages went meanwhile)
        scored = [
            (found, found.scores(stats), found.bound(stats))
            for found, stats in zip(lists, now, strict=True)
            if stats is not None
        ]
        return _threshold(scored, visible, fresh, wanted, score)


def statistics(con: apsw.Connection, term: str) -> Statistics | None:
    """The current statistics of ``term``, as the search's bm25 (rank.Bm25) counts them."""
    row = con.execute(
        "SELECT dms_statistics(fts) FROM fts WHERE fts MATCH ? LIMIT 1", (_text(term),)
    ).fetchone()
    return Statistics.parse(row[0]) if row else None


def _text(term: str) -> str:
    return f"{{text meta}} : ({term})"


def _threshold(
    lists: list[tuple[ChampionList, np.ndarray[Any, Any], float]],  # with scores and bound now
    visible: np.ndarray[Any, Any],
    fresh: np.ndarray[Any, Any],
    wanted: int,
    score: Scorer,
) -> list[tuple[int, float]] | None:
    listed = np.unique(np.concatenate([found.ids for found, _, _ in lists]))
    candidates = np.setdiff1d(listed[_within(listed, visible)], fresh, assume_unique=True)
    # Known parts and bounds of each candidate's score (fresh pages are scored below).
    known = np.zeros(len(candidates))
    bound = np.zeros(len(candidates))
    complete = np.ones(len(candidates), dtype=bool)
    for found, scores_now, bound_now in lists:
        at = np.searchsorted(found.ids, candidates)
        inside = at < len(found.ids)
        inside[inside] = found.ids[at[inside]] == candidates[inside]
        known[inside] += scores_now[at[inside]]
        bound[~inside] += bound_now
        complete &= inside
    scored = score([int(page) for page in fresh]) if len(fresh) else {}
    ids = [candidates[complete], np.fromiter(scored, dtype=np.int64, count=len(scored))]
    scores = [known[complete], np.fromiter(scored.values(), dtype=np.float64, count=len(scored))]
    open_ids, open_bounds = candidates[~complete], (known + bound)[~complete]
    order = np.argsort(-open_bounds, kind="stable")
    open_ids, open_bounds = open_ids[order], open_bounds[order]
    outside = sum(bound_now for _, _, bound_now in lists)  # the most a page in no list scores
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
    """Rank every page matching ``term`` with FTS5's bm25 and keep the best LIST_SIZE, with
    what their scores are made of."""
    expression = _text(term)
    top = [
        row[0]
        for row in con.execute(
            f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY {_BM25}, rowid LIMIT ?",  # noqa: S608
            (expression, LIST_SIZE),
        )
    ]
    ids = np.array(sorted(top), dtype=np.int64)
    lengths = np.zeros(len(ids))
    matrix = np.zeros((0, len(ids)))
    built = Statistics(np.zeros(0), 1.0)
    if len(ids):  # the IDFs counted now, as FTS5's bm25 just did
        row = con.execute(
            "SELECT dms_statistics(fts, 1) FROM fts WHERE fts MATCH ? LIMIT 1", (expression,)
        ).fetchone()
        built = Statistics.parse(str(cast(Any, row)[0]))
        matrix = np.zeros((len(built.idfs), len(ids)))
    for offset, parts in enumerate(_parts(con, expression, ids)):
        length, *counts = (float(value) for value in parts.split())
        lengths[offset] = length
        matrix[:, offset] = counts
    floor = float(_bm25(matrix, lengths, built).min()) if len(ids) else 0.0
    return ChampionList(
        term, epoch, high_water, len(ids) < LIST_SIZE, ids, lengths, matrix, built, floor
    )


def _parts(con: apsw.Connection, expression: str, ids: np.ndarray[Any, Any]) -> list[str]:
    """``dms_parts`` of the pages ``ids`` (ascending) for ``expression``, in their order.

    Looked up by rowid, except for a prefix term (one character: "元" *): FTS5 expands a
    prefix again for every rowid looked up (47 s for 3,000 pages of 元 at 100,000 pages), so
    those read every match once and keep the listed ones.
    """
    found: list[str] = []
    if "*" not in expression:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500].tolist()
            marks = ",".join("?" * len(chunk))
            found += [
                str(row[0])
                for row in con.execute(
                    f"SELECT dms_parts(fts) FROM fts WHERE fts MATCH ? AND rowid IN ({marks})"  # noqa: S608
                    " ORDER BY rowid",
                    (expression, *chunk),
                )
            ]
        return found
    with wanted(frozenset(ids.tolist())) as key:
        rows = con.execute(
            "SELECT parts FROM (SELECT dms_parts(fts, ?) AS parts FROM fts"
            " WHERE fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid) WHERE parts IS NOT NULL",
            (key, expression, int(ids[0]), int(ids[-1])),
        ).fetchall()
    return [str(row[0]) for row in rows]


def _load(con: apsw.Connection, term: str) -> ChampionList | None:
    row = con.execute(
        "SELECT epoch, high_water, complete, ids, lengths, frequencies, idfs, average"
        " FROM champion_lists WHERE term = ?",
        (term,),
    ).fetchone()
    if row is None:
        return None
    epoch, high_water, complete, ids, lengths, frequencies, idfs, average = row
    ids = np.frombuffer(ids, dtype=np.int64)
    lengths = np.frombuffer(lengths, dtype=np.float64)
    built = Statistics(np.frombuffer(idfs, dtype=np.float64), float(average))
    matrix = np.frombuffer(frequencies, dtype=np.float64).reshape(len(built.idfs), len(ids))
    floor = float(_bm25(matrix, lengths, built).min()) if len(ids) else 0.0
    return ChampionList(
        term, epoch, int(high_water), bool(complete), ids, lengths, matrix, built, floor
    )


def _row(found: ChampionList) -> tuple[Any, ...]:
    return (
        found.term, found.epoch, found.high_water, int(found.complete),
        found.ids.astype(np.int64).tobytes(), found.lengths.astype(np.float64).tobytes(),
        np.ascontiguousarray(found.frequencies, dtype=np.float64).tobytes(),
        found.built.idfs.astype(np.float64).tobytes(), found.built.average,
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
