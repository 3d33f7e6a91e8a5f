"""The embedded backend: SQLite FTS5 in the data dir, with a jieba tokenizer (via APSW).

Pages live once in an ordinary table (``pages``: metadata and text); the FTS5 table indexes it
as external content, so the text is stored once and ``snippet()`` highlights the original
characters. The tokenizer is ours (search/analysis.py), registered on every connection through
APSW, whose SQLite is current (Debian's 3.40 cannot take a Python tokenizer).

Permission trimming and filters are tokens in a ``tags`` column (customer, type, state, year)
matched inside the same FTS5 query, and the confidentiality levels a condition on the joined row
of the same statement, so totals, facets and pages only ever count what the asking user may see,
and filtered queries stay fast (posting lists intersect).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import apsw
import apsw.fts5

from search import analysis
from search.backends.base import Progress
from search.backends.sqlite.champions import CHAMPIONS, Champions, prebuild
from search.backends.sqlite.columns import (
    INDEX_META,
    Columns,
    epoch,
    high_water,
    matching_ids,
    new_epoch,
    prune_removed,
    take_ids,
)
from search.backends.sqlite.matching import _filters, _phrase, _text, _tokenizer, match_expression
from search.backends.sqlite.rank import BUSY_MS, PHRASE_COUNTS, Bm25, parts, precount
from search.backends.sqlite.schema import (
    _COLUMNS,
    _HITS_SQL,
    _LEVELS_SQL,
    _MATCH_ONLY,
    _PAGES_SQL,
    _SCHEMA,
    _TOP_SQL,
    _hit,
    _row,
)
from search.backends.sqlite.sets import TERM_SETS, WORD_MIN, TermSets, _intersection
from search.types import PageDoc, Results, Scope, SearchQuery, SearchUnavailable

TOKENIZER = "dms_zh"
MMAP_BYTES = 4 << 30  # address space only; the OS pages in what queries touch
# Only constants and "?" placeholders are ever formatted into SQL here (hence the noqa S608).
BM25 = "bm25(fts, 1.0, 0.6, 0.0)"  # text, reference/title; tags never rank
# The same bm25 in Python with each phrase's document count cached (see Bm25), for searches
# that match few pages: FTS5's own recounts every phrase over the whole index per query.
CACHED_BM25 = "dms_bm25(fts)"
CACHED_BM25_MAX_PAGES = 2000
# More visible matches than this are ranked through the terms' champion lists
# (champions.py), which rebuild() makes ahead for the PREBUILT_LISTS most frequent words.
RANK_ALL_MAX = 2000
PREBUILT_LISTS = 100


class SqliteBackend:
    def __init__(self, path: str | Path, cache_dir: str | Path | None = None) -> None:
        self.path = Path(path)
        analysis.configure(cache_dir)
        self._local = threading.local()
        self._bm25 = Bm25()  # one cache per index file, shared by its connections
        self._columns = Columns()
        self._champions = Champions()
        self._term_sets = TermSets()

    # Connections ------------------------------------------------------------------------

    def _open(self, path: Path) -> apsw.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = apsw.Connection(str(path))
        # First: registering reads the schema, which another process may be writing (two
        # workers starting on a new index), and must wait for it rather than fail.
        con.set_busy_timeout(BUSY_MS)
        con.register_fts5_tokenizer(TOKENIZER, cast(Any, _tokenizer))
        con.register_fts5_function("dms_bm25", self._bm25)
        con.register_fts5_function("dms_statistics", self._bm25.statistics)
        con.register_fts5_function("dms_parts", parts)
        con.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
        # Reading pages through the OS cache rather than SQLite's 2 MB default: joining the
        # matches to their rows (facets, filters) is ~6× faster (benchmarks/search.py).
        con.execute(f"PRAGMA mmap_size={MMAP_BYTES}; PRAGMA cache_size=-65536")
        con.execute(_SCHEMA + PHRASE_COUNTS + INDEX_META + CHAMPIONS + TERM_SETS)
        return con

    @property
    def con(self) -> apsw.Connection:
        # One connection per thread and per process (a forked worker must not share one).
        con: apsw.Connection | None = getattr(self._local, "con", None)
        if con is None or getattr(self._local, "pid", None) != os.getpid():
            con = self._open(self.path)
            self._local.con, self._local.pid = con, os.getpid()
        return con

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None and getattr(self._local, "pid", None) == os.getpid():
            con.close()
        self._local = threading.local()

    # Writing ----------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[apsw.Connection]:
        """A write transaction taking the write lock first (BEGIN IMMEDIATE).

        Several workers index at once; a deferred transaction that read before writing would
        fail at once with "database is locked" when another wrote meanwhile (WAL snapshots),
        where taking the lock up front waits its turn (busy timeout).
        """
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def index(self, docs: Sequence[PageDoc]) -> None:
        record_ids = sorted({doc.record_id for doc in docs})
        with self._writing() as con:
            self._delete(con, record_ids)
            self._insert(con, docs)
            prune_removed(con)

    def remove(self, record_ids: Iterable[int]) -> None:
        with self._writing() as con:
            self._delete(con, sorted(set(record_ids)))
            prune_removed(con)

    @staticmethod
    def _delete(con: apsw.Connection, record_ids: list[int]) -> None:
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            con.execute(f"DELETE FROM pages WHERE record_id IN ({marks})", chunk)  # noqa: S608

    @staticmethod
    def _insert(con: apsw.Connection, docs: Sequence[PageDoc]) -> int:
        # Ids from the high water, never one a removed page had (see columns.py).
        rows = [(id_, *_row(doc)) for id_, doc in zip(take_ids(con, len(docs)), docs, strict=True)]
        marks = ",".join("?" * 14)
        con.executemany(f"INSERT INTO pages(id, {_COLUMNS}) VALUES ({marks})", rows)  # noqa: S608
        return len(rows)

    def rebuild(self, docs: Iterable[PageDoc], progress: Progress | None = None) -> int:
        """Build into a new file, then copy it over the live one in one transaction.

        Readers keep their snapshot (WAL) until the copy commits: no moment without an index.
        """
        fresh_path = self.path.with_name(self.path.name + ".rebuild")
        for leftover in fresh_path.parent.glob(fresh_path.name + "*"):
            leftover.unlink()
        fresh = self._open(fresh_path)
        total = 0
        try:
            with fresh:
                new_epoch(fresh)
            batch: list[PageDoc] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 500:
                    total += self._insert_batch(fresh, batch, progress)
                    batch = []
            total += self._insert_batch(fresh, batch, progress)
            fresh.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            precount(fresh)  # the frequent words' IDF counts, saved with the index
            self.prebuild_lists(fresh)
            with self.con.backup("main", fresh, "main") as backup:
                while not backup.done:
                    backup.step(-1)
            self._forget()
        finally:
            fresh.close()
            for leftover in fresh_path.parent.glob(fresh_path.name + "*"):
                leftover.unlink()
        return total

    def prebuild_lists(self, con: apsw.Connection | None = None) -> int:
        """Build the champion lists and page sets of the most frequent words now (rebuild()
        does it); returns how many lists were built."""
        con = con or self.con
        frequent = _frequent_words(con)
        index_epoch, top = epoch(con), high_water(con)
        built = prebuild(con, [term for term, _ in frequent], index_epoch, top)
        kept = [term for term, pages in frequent if pages >= WORD_MIN]
        self._term_sets.prebuild(con, kept, index_epoch, top)
        self._champions.forget()
        self._term_sets.forget()
        return built

    def _insert_batch(
        self, con: apsw.Connection, batch: list[PageDoc], progress: Progress | None
    ) -> int:
        with con:
            count = self._insert(con, batch)
        if progress is not None and count:
            progress(count)
        return count

    def clear(self) -> None:
        self._forget()
        with self._writing() as con:
            con.execute("DELETE FROM pages")
            for table in ("phrase_counts", "champion_lists", "term_sets", "removed"):
                con.execute(f"DELETE FROM {table}")  # noqa: S608
            new_epoch(con)

    def _forget(self) -> None:
        self._bm25.forget()
        self._champions.forget()
        self._term_sets.forget()

    # Reading ----------------------------------------------------------------------------

    def search(self, query: SearchQuery, scope: Scope) -> Results:
        expression = match_expression(query, scope)
        if expression is None:
            return Results(hits=[], total=0, facets={"customer": {}, "type": {}, "year": {}})
        terms = analysis.query_terms(query.text)
        try:
            with self.con as con:  # one snapshot: the hits, the facets and the levels agree
                matches = self._matches(con, expression, query, scope, terms)
                tally = self._columns.tally(
                    con, matches, scope.levels, query.date_from, query.date_to
                )
                listed = None
                narrowed = scope.customer_ids is not None or query.customer_ids
                if tally.total > RANK_ALL_MAX and not narrowed:  # lists are index-wide
                    listed = self._champion_rows(con, expression, terms, tally.visible, query)
                if listed is None:
                    listed = self._ranked_rows(con, expression, query, scope, len(matches))
                rows: list[Any] = listed
        except apsw.SQLError as error:
            raise SearchUnavailable(str(error)) from error
        if self._bm25.pending:
            self._bm25.save(self.con)  # for the next process too
        for kept in (self._champions, self._term_sets):
            if kept.pending:
                kept.save(self.con)
        hits = [_hit(row, terms) for row in rows]
        return Results(hits=hits, total=tally.total, facets=tally.facets)

    def _matches(
        self,
        con: apsw.Connection,
        expression: str,
        query: SearchQuery,
        scope: Scope,
        terms: list[list[str]],
    ) -> Any:
        """The ids of the pages the query matches, ascending: FTS5's, with the costly terms
        (phrases, words on many pages) taken from their kept sets (sets.py)."""
        self._bm25.load(con)  # the words' page counts
        kept: list[str] = []
        words: list[str] = []
        for term in terms:
            counted = self._bm25.counts.get(tuple(term), (0, 0))[0]
            (kept if len(term) > 1 or counted >= WORD_MIN else words).append(_phrase(term))
        if not kept:
            return matching_ids(con, expression)
        index_epoch, top = epoch(con), high_water(con)
        sets = [self._term_sets.ids(con, term, index_epoch, top) for term in kept]
        rest = ([_text(words)] if words else []) + (_filters(query, scope) or [])
        if not rest:
            return self._columns.live(con, _intersection(sets))  # kept sets may hold removed pages
        return _intersection([matching_ids(con, " AND ".join(rest)), *sets])

    def _ranked_rows(
        self,
        con: apsw.Connection,
        expression: str,
        query: SearchQuery,
        scope: Scope,
        matched: int,
    ) -> list[Any]:
        """The page of hits, every matching page ranked."""
        where, params = self._where(con, expression, query, scope)
        rank = BM25
        # FTS5's bm25 counts each phrase over the whole index first (about 0.1 µs a page of the
        # index), then 1.5 µs a match; the cached one 20 µs a match: it wins below ~1 % of it.
        most = max(CACHED_BM25_MAX_PAGES, high_water(con) // 100)
        if (scope.customer_ids is not None or query.customer_ids) and matched <= most:
            self._bm25.load(con)
            rank = f"dms_bm25(fts, {self._bm25.statement()})"  # see Bm25
        if where == _MATCH_ONLY:
            hits_sql = _TOP_SQL.format(rank=rank)
        else:
            hits_sql = _HITS_SQL.format(where=where, rank=rank)
        return con.execute(hits_sql, [*params, query.limit, query.offset]).fetchall()

    def _champion_rows(
        self,
        con: apsw.Connection,
        expression: str,
        terms: list[list[str]],
        visible: Any,
        query: SearchQuery,
    ) -> list[Any] | None:
        """The page of hits from the terms' champion lists; None if they cannot prove it."""
        self._bm25.load(con)

        def score(ids: list[int]) -> dict[int, float]:
            marks = ",".join("?" * len(ids))
            sql = (
                f"SELECT rowid, dms_bm25(fts, {self._bm25.statement()}) FROM fts"  # noqa: S608
                f" WHERE fts MATCH ? AND rowid IN ({marks})"
            )
            return {rowid: -rank for rowid, rank in con.execute(sql, (expression, *ids))}

        best = self._champions.top(
            con,
            [_phrase(words) for words in terms],
            visible,
            query.offset + query.limit,
            score,
            epoch(con),
            high_water(con),
        )
        if best is None:
            return None
        shown = [id_ for id_, _ in best[query.offset :]]
        if not shown:
            return []
        # The page of hits scored now: a list's scores are those of when it was built.
        scores = score(shown)
        shown.sort(key=lambda id_: (-scores[id_], id_))
        sql = _PAGES_SQL.format(marks=",".join("?" * len(shown)))
        by_id = {row[0]: row[1:] for row in con.execute(sql, shown)}
        return [(*by_id[id_][:7], -scores[id_], *by_id[id_][7:]) for id_ in shown]

    def count(self, query: SearchQuery, scope: Scope) -> int:
        expression = match_expression(query, scope)
        if expression is None:
            return 0
        with self.con as con:
            where, params = self._where(con, expression, query, scope)
            if where == _MATCH_ONLY:
                sql = "SELECT count(*) FROM fts WHERE fts MATCH ?"
            else:
                sql = f"SELECT count(*) FROM fts JOIN pages p ON p.id = fts.rowid WHERE {where}"  # noqa: S608
            row = con.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _where(
        con: apsw.Connection, expression: str, query: SearchQuery, scope: Scope
    ) -> tuple[str, list[Any]]:
        where, params = [_MATCH_ONLY], [expression]
        # Levels are few and most pages share one: as tags they made FTS5 merge posting lists
        # of nearly every page (and bm25 weigh them); on the joined row they cost nothing, and
        # nothing at all when the user may see every level the index holds (an auditor).
        present = {row[0] for row in con.execute(_LEVELS_SQL)}
        if not present <= scope.levels:
            levels = sorted(scope.levels)
            where.append(f"p.confidentiality IN ({','.join('?' * len(levels))})")
            params.extend(levels)
        if query.date_from is not None:
            where.append("p.document_date >= ?")
            params.append(query.date_from.isoformat())
        if query.date_to is not None:
            where.append("p.document_date <= ?")
            params.append(query.date_to.isoformat())
        return " AND ".join(where), params

    def indexed_records(self) -> set[int]:
        return {row[0] for row in self.con.execute("SELECT DISTINCT record_id FROM pages")}

    def indexed_meta(self) -> dict[int, set[tuple[int, str, str]]]:
        """Each indexed record's (customer id, confidentiality, state) as its pages hold them
        (one tuple when they agree): what ``dms verify`` compares with the database."""
        found: dict[int, set[tuple[int, str, str]]] = {}
        rows = self.con.execute(
            "SELECT DISTINCT record_id, customer_id, confidentiality, state FROM pages"
        )
        for record_id, customer_id, level, state in rows:
            found.setdefault(record_id, set()).add((customer_id, level, state))
        return found

    def pages_of(self, record_id: int) -> list[tuple[int, str]]:
        """(page, state) of a record's indexed pages: for tests and consistency checks."""
        return [
            (page, state)
            for page, state in self.con.execute(
                "SELECT page, state FROM pages WHERE record_id = ? ORDER BY page", (record_id,)
            )
        ]


def _frequent_words(con: apsw.Connection) -> list[tuple[str, int]]:
    """The words on the most pages (enough to need a champion list) as query terms, and how
    many pages have each."""
    con.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_columns USING fts5vocab(main, fts, col)"
    )
    try:
        words: list[Any] = con.execute(
            "SELECT term, doc FROM fts_columns WHERE col = 'text' AND doc > ?"
            " ORDER BY doc DESC LIMIT ?",
            (RANK_ALL_MAX, PREBUILT_LISTS),
        ).fetchall()
    finally:
        con.execute("DROP TABLE temp.fts_columns")
    return [(_phrase([word]), int(pages)) for word, pages in words]
