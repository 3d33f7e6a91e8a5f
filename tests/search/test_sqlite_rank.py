"""The SQLite backend's cached bm25 (for searches matching few pages) is FTS5's bm25."""

from __future__ import annotations

from typing import Any

import pytest

from search import Scope, SearchQuery
from search.backends import sqlite

from .test_conformance import DOCS, LEVELS


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
