"""Recall@10 on the seed policies: what an auditor types finds the pages that contain it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from search import Scope, SearchQuery
from search.backends.sqlite import SqliteBackend
from tests.search.relevance import cases, seed_pages

EVERYTHING = Scope(customer_ids=None, levels=frozenset({"internal"}))


def test_recall_at_10_on_seed_text_is_at_least_95_percent(tmp_path: Any) -> None:
    backend = SqliteBackend(tmp_path / "search.sqlite3")
    docs = seed_pages()
    backend.index(docs)
    found = cases(docs)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for case in found:
        hits = backend.search(SearchQuery(text=case.query, limit=10), EVERYTHING).hits
        top = {hit.record_id for hit in hits}
        by_kind[case.kind].append(len(top & case.relevant) / min(10, len(case.relevant)))
    overall = sum(sum(values) for values in by_kind.values()) / len(found)
    report = {kind: round(sum(v) / len(v), 3) for kind, v in by_kind.items()}
    assert len(found) >= 100, report
    assert set(report) >= {"two-character word", "phrase", "code", "traditional→simplified"}
    assert overall >= 0.95, report
    # The words auditors type most (two characters, phrases, codes) are all found.
    kinds = ("two-character word", "phrase", "code", "English", "traditional→simplified")
    for kind in (*kinds, "word inside a longer word"):
        assert report[kind] == 1.0, report
