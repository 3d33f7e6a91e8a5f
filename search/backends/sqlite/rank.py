"""Ranking for the SQLite backend: FTS5's bm25 with each phrase's document count cached."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import apsw

WEIGHTS = (1.0, 0.6, 0.0)  # text, reference/title; tags never rank (as in sqlite.BM25)
TAGS = 2  # the column of filter tags
BUSY_MS = 30_000  # how long a connection of the index waits for another's write
_SEPARATOR = "\x1f"  # between the tokens of a phrase in phrase_counts
PHRASE_COUNTS = """
CREATE TABLE IF NOT EXISTS phrase_counts(
    phrase TEXT PRIMARY KEY, pages INTEGER NOT NULL, indexed INTEGER NOT NULL
) WITHOUT ROWID;
"""
# A rebuild counts ahead every word on at least this share of the pages (at least PRECOUNT_MIN):
# the words whose first count costs most.
PRECOUNT_SHARE = 0.01
PRECOUNT_MIN = 50
K1, B = 1.2, 0.75  # FTS5's bm25 constants


def write_unless_busy(
    con: apsw.Connection, sql: str, rows: list[tuple[Any, ...]], wait: bool = False
) -> bool:
    """Write what a search worked out for the next process, unless another connection is
    writing (a search never waits on a writer for this; ``wait`` does); False: not written."""
    con.set_busy_timeout(BUSY_MS if wait else 50)
    try:
        with con:
            con.executemany(sql, rows)
    except apsw.BusyError:
        return False
    finally:
        con.set_busy_timeout(BUSY_MS)
    return True


class Bm25:
    """FTS5's bm25 (same formula, weights, and scores), with each phrase's document count
    cached per index instead of recounted over the whole index on every query.

    FTS5's bm25 computes every phrase's IDF by running the phrase over the whole index, also
    for a search trimmed to one customer: 客户信息 must check positions in every page that has
    客户 and 信息. Counts change slowly; one is recounted when the index grew or shrank by
    more than 1 %. Per matched page this runs in Python, so it is used only when a search
    matches few pages (CACHED_BM25_MAX_PAGES).

    Called as ``dms_bm25(fts, N)`` with a number unique to the statement, what is the same for
    every row of one search (index size, average length, IDFs, which phrases are filter tags)
    is worked out on its first row only.
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[Any, ...], tuple[int, int]] = {}
        self.pending: dict[tuple[Any, ...], tuple[int, int]] = {}  # counted, not yet saved
        self.loaded = False
        self._statements: dict[Any, _Statement] = {}
        self._next = itertools.count(1)
        self._lock = threading.Lock()

    # The counts are kept in the index file too (PHRASE_COUNTS), so every process and every
    # restart starts with them, and a rebuild counts the frequent words ahead (precount).

    def load(self, con: apsw.Connection) -> None:
        """Read the saved counts once per process."""
        if self.loaded:
            return
        with self._lock:
            for phrase, pages, indexed in con.execute(
                "SELECT phrase, pages, indexed FROM phrase_counts"
            ):
                self.counts.setdefault(_key(phrase), (pages, indexed))
            self.loaded = True

    def save(self, con: apsw.Connection) -> None:
        """Write the counts made since the last save, if the index is not busy writing."""
        with self._lock:
            pending, self.pending = self.pending, {}
        if not pending:
            return
        rows = [(_SEPARATOR.join(key), pages, indexed) for key, (pages, indexed) in pending.items()]
        sql = "INSERT OR REPLACE INTO phrase_counts(phrase, pages, indexed) VALUES (?,?,?)"
        if not write_unless_busy(con, sql, rows):
            with self._lock:
                self.pending = {**pending, **self.pending}  # next time

    def forget(self) -> None:
        with self._lock:
            self.counts.clear()
            self.pending.clear()
            self.loaded = False

    def statement(self) -> int:
        """A number for one statement's ``dms_bm25(fts, N)``."""
        return next(self._next)

    def __call__(self, api: apsw.FTS5ExtensionApi, *args: Any) -> float:
        key = args[0] if args else None
        memo = self._statements.get(key) if key is not None else None
        if memo is None:
            memo = _Statement(api)
            if key is not None:
                if len(self._statements) > 64:  # statements run one at a time per thread
                    self._statements.clear()
                self._statements[key] = memo
        lengths = K1 * (1 - B + B * api.column_size(-1) / memo.average)
        score = 0.0
        for index in memo.ranked:
            frequency = 0.0
            for column, offsets in enumerate(api.phrase_locations(index)):
                if offsets:
                    if column == TAGS:  # a filter tag, never ranked: skip it from now on
                        memo.tags.add(index)
                        break
                    frequency += WEIGHTS[column] * len(offsets)
            if not frequency:
                continue  # contributes nothing, as in FTS5 (and tags never rank)
            idf = memo.idfs.get(index)
            if idf is None:
                matching = self._count(api, index, memo.tokens[index], memo.rows)
                idf = math.log((memo.rows - matching + 0.5) / (matching + 0.5))
                idf = memo.idfs[index] = idf if idf > 0.0 else 1e-6
            score += idf * frequency * (K1 + 1) / (frequency + lengths)
        if memo.tags:
            memo.ranked = [index for index in memo.ranked if index not in memo.tags]
        return -score

    def statistics(self, api: apsw.FTS5ExtensionApi, *args: Any) -> str:
        """``dms_statistics(fts[, exact])``: the average page length and each phrase's IDF,
        as this bm25 counts them (``exact``: counted now, as FTS5's own bm25 does), as text:
        "average idf idf ...". What champion lists score and bound pages with."""
        rows = api.row_count
        average = (api.column_total_size(-1) / rows if rows else 1.0) or 1.0
        idfs = []
        for index, tokens in enumerate(api.phrases):
            if args and args[0]:
                matching = self._count(api, index, (), rows, exact=True)
            else:
                matching = self._count(api, index, tuple(tokens), rows)
            idf = math.log((rows - matching + 0.5) / (matching + 0.5))
            idfs.append(idf if idf > 0.0 else 1e-6)
        return " ".join(repr(value) for value in (average, *idfs))

    def _count(
        self,
        api: apsw.FTS5ExtensionApi,
        index: int,
        key: tuple[Any, ...],
        rows: int,
        exact: bool = False,
    ) -> int:
        cached = None if exact else self.counts.get(key)
        if cached is None or abs(cached[1] - rows) > rows // 100:
            found = [0]

            def one(_api: apsw.FTS5ExtensionApi, closure: list[int]) -> None:
                closure[0] += 1

            api.query_phrase(index, one, found)
            if exact:
                return found[0]
            cached = self.counts[key] = self.pending[key] = (found[0], rows)
        return cached[0]


_WANTED: dict[int, frozenset[int]] = {}
_next_wanted = itertools.count(1)


@contextmanager
def wanted(ids: frozenset[int]) -> Iterator[int]:
    """A key for ``dms_parts(fts, key)`` to answer only for the pages ``ids``."""
    key = next(_next_wanted)
    _WANTED[key] = ids
    try:
        yield key
    finally:
        del _WANTED[key]


def parts(api: apsw.FTS5ExtensionApi, *args: Any) -> str | None:
    """``dms_parts(fts[, wanted])``: what a page's bm25 is made of and never changes: its
    length in tokens (all columns) and each phrase's weighted occurrences, as text
    "length f f ..." (NULL for a page not among the ``wanted`` ones)."""
    if args and api.rowid not in _WANTED[args[0]]:
        return None
    values: list[float] = [api.column_size(-1)]
    for index in range(api.phrase_count):
        frequency = 0.0
        for column, offsets in enumerate(api.phrase_locations(index)):
            if column != TAGS:
                frequency += WEIGHTS[column] * len(offsets)
        values.append(frequency)
    return " ".join(repr(value) for value in values)


class _Statement:
    """What every row of one statement shares."""

    def __init__(self, api: apsw.FTS5ExtensionApi) -> None:
        self.rows = api.row_count
        self.average = (api.column_total_size(-1) / self.rows if self.rows else 1.0) or 1.0
        self.tokens = [tuple(tokens) for tokens in api.phrases]
        self.ranked = list(range(len(self.tokens)))
        self.tags: set[int] = set()
        self.idfs: dict[int, float] = {}


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.split(_SEPARATOR))


def precount(con: apsw.Connection) -> int:
    """Count the pages of every frequent word of a freshly built index into phrase_counts.

    The count is the one FTS5 gives the word as a phrase of the text and reference/title
    columns (what ``query_phrase`` counts for bm25's IDF). Returns how many were counted.
    """
    (rows,) = con.execute("SELECT count(*) FROM pages").fetchone() or (0,)
    if not rows:
        return 0
    con.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, fts, row)")
    floor = max(PRECOUNT_MIN, int(rows * PRECOUNT_SHARE))
    terms = [term for (term,) in con.execute("SELECT term FROM fts_terms WHERE doc >= ?", (floor,))]
    counted = []
    for term in terms:
        quoted = '"' + term.replace('"', '""') + '"'
        (pages,) = con.execute(
            "SELECT count(*) FROM fts WHERE fts MATCH ?", (f"{{text meta}} : {quoted}",)
        ).fetchone() or (0,)
        if pages:
            counted.append((term, pages, rows))
    with con:
        con.executemany(
            "INSERT OR REPLACE INTO phrase_counts(phrase, pages, indexed) VALUES (?,?,?)", counted
        )
    con.execute("DROP TABLE temp.fts_terms")
    return len(counted)
