"""The SQLite backend's cached bm25 (for searches matching few pages) is FTS5's bm25."""

from __future__ import annotations

from typing import Any

import pytest

from search import Scope, SearchQuery
from search.backends.sqlite import backend as sqlite
from search.backends.sqlite import rank as sqlite_rank
from tests.search.test_conformance import DOCS, LEVELS


@pytest.fixture
def backend(tmp_path: Any) -> sqlite.SqliteBackend:
    built = sqlite.SqliteBackend(tmp_path / "search.sqlite3")
    built.index(DOCS)
    return built


@pytest.mark.parametrize("text", ["投诉", "碎纸机", "保存期限", "顾客 档案", "qms-pm-31301"])
def test_cached_bm25_scores_and_orders_as_fts5s_own(
    backend: sqlite.SqliteBackend, text: str
) -> None:
    expression = sqlite.match_expression(SearchQuery(text=text), Scope(frozenset({1, 2}), LEVELS))
    assert expression is not None
    ranked = {}
    for rank in (sqlite.BM25, sqlite.CACHED_BM25, sqlite.CACHED_BM25):  # cold, then cached
        sql = f"SELECT rowid, {rank} AS r FROM fts WHERE fts MATCH ? ORDER BY r, rowid"  # noqa: S608
        ranked[rank] = backend.con.execute(sql, (expression,)).fetchall()
        assert [row[0] for row in ranked[rank]] == [row[0] for row in ranked[sqlite.BM25]]
        for (_, got), (_, want) in zip(ranked[rank], ranked[sqlite.BM25], strict=True):
            assert got == pytest.approx(want, rel=1e-9)


def test_a_narrow_search_is_ranked_like_a_wide_one(backend: sqlite.SqliteBackend) -> None:
    staff = backend.search(SearchQuery(text="碎纸机"), Scope(frozenset({1, 2}), LEVELS))
    auditor = backend.search(SearchQuery(text="碎纸机"), Scope(None, LEVELS))
    assert [(h.record_id, h.page, h.score) for h in staff.hits] == [
        (h.record_id, h.page, pytest.approx(h.score, rel=1e-9)) for h in auditor.hits
    ]


def test_counts_are_recounted_after_a_rebuild(backend: sqlite.SqliteBackend) -> None:
    staff = Scope(frozenset({2}), LEVELS)
    before = backend.search(SearchQuery(text="碎纸机"), staff).hits[0].score
    backend.rebuild(iter(DOCS[:2] + DOCS[-1:]))  # fewer pages: another IDF
    after = backend.search(SearchQuery(text="碎纸机"), staff).hits[0].score
    auditor = backend.search(SearchQuery(text="碎纸机"), Scope(None, LEVELS))
    assert after != before
    assert after == pytest.approx(next(h.score for h in auditor.hits if h.record_id == 5))


def test_a_rebuild_counts_the_frequent_words_ahead_and_every_process_reads_them(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_rank, "PRECOUNT_MIN", 2)  # "frequent" in a handful of pages
    path = tmp_path / "search.sqlite3"
    built = sqlite.SqliteBackend(path)
    built.rebuild(iter(DOCS))
    sql = "SELECT phrase, pages FROM phrase_counts WHERE phrase = '投诉'"
    saved = {phrase: pages for phrase, pages in built.con.execute(sql)}
    matching = built.count(SearchQuery(text="投诉"), Scope(None, LEVELS))
    assert saved == {"投诉": matching}  # its pages, as the phrase query counts them

    # Another process (a new backend on the same file) ranks with the saved count, and ranks
    # as FTS5's own bm25 does.
    other = sqlite.SqliteBackend(path)
    staff = other.search(SearchQuery(text="投诉"), Scope(frozenset({1, 2}), LEVELS))
    assert other._bm25.counts[("投诉",)][0] == matching
    auditor = other.search(SearchQuery(text="投诉"), Scope(None, LEVELS))
    wanted = {(h.record_id, h.page): h.score for h in auditor.hits}
    for hit in staff.hits:
        assert hit.score == pytest.approx(wanted[(hit.record_id, hit.page)], rel=1e-9)


def test_a_word_counted_by_a_search_is_saved_for_the_next_process(
    backend: sqlite.SqliteBackend,
) -> None:
    scope = Scope(frozenset({1, 2}), LEVELS)
    backend.search(SearchQuery(text="碎纸机"), scope)
    rows = backend.con.execute("SELECT phrase FROM phrase_counts").fetchall()
    assert ("碎纸机",) in rows
    backend.clear()
    assert backend.con.execute("SELECT count(*) FROM phrase_counts").fetchone() == (0,)
