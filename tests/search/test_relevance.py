"""Recall@10 on the seed policies: what an auditor types finds the pages that contain it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from search import Scope, SearchQuery
from search.analysis import fold
from search.backends.sqlite import SqliteBackend
from tests.search.relevance import cases, seed_pages

EVERYTHING = Scope(customer_ids=None, levels=frozenset({"internal"}))


def test_recall_at_10_of_the_words_users_type_is_at_least_98_percent(tmp_path: Any) -> None:
    """Recall@10 of a query: of its top 10 hits, how many contain it, out of
    min(10, pages containing it): 1.0 when the first page of hits is all relevant, or
    holds every relevant page when there are fewer than 10."""
    backend = SqliteBackend(tmp_path / "search.sqlite3")
    docs = seed_pages()
    backend.index(docs)
    texts = {doc.record_id: fold(doc.text) for doc in docs}
    found = cases(docs)
    recall: dict[str, list[float]] = defaultdict(list)
    precise: dict[str, list[float]] = defaultdict(list)
    for case in found:
        hits = backend.search(SearchQuery(text=case.query, limit=10), EVERYTHING).hits
        top = {hit.record_id for hit in hits}
        recall[case.kind].append(len(top & case.relevant) / min(10, len(case.relevant)))
        if case.kind.startswith("dictionary word"):  # a word is found where it is written
            precise[case.kind].append(
                sum(fold(case.query) in texts[hit.record_id] for hit in hits) / len(hits)
                if hits
                else 1.0
            )
    overall = sum(sum(values) for values in recall.values()) / len(found)
    report = {kind: (len(v), round(sum(v) / len(v), 4)) for kind, v in recall.items()}
    words = [value for kind, values in recall.items() if kind in precise for value in values]
    assert len(words) >= 2000, report  # every dictionary word in the seed text
    assert set(report) >= {
        "dictionary word, a word of the text",
        "dictionary word, inside a longer word",
        "dictionary word, across words",
        "phrase",
        "code",
        "English",
        "traditional→simplified",
    }
    assert overall >= 0.98, report
    assert sum(words) / len(words) >= 0.98, report
    for kind in ("phrase", "code", "English", "traditional→simplified"):
        assert report[kind][1] == 1.0, report
    precision = {kind: sum(v) / len(v) for kind, v in precise.items()}
    assert min(precision.values()) >= 0.99, precision
