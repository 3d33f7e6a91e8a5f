"""`make bench-search` runs end to end on a small archive (the figures come from the full run)."""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks import corpus
from benchmarks import search as bench


def test_the_archive_has_a_zipf_vocabulary_and_pages_of_varied_length() -> None:
    archive = corpus.Corpus(corpus.Vocabulary.load())
    assert len(archive.vocabulary.words) > 30_000
    assert "档案" in archive.vocabulary.words[:2000]  # the seeds' words are common
    docs = list(archive.pages(400))
    lengths = [len(doc.text) for doc in docs]
    assert min(lengths) >= 200 and max(lengths) <= 3000 and max(lengths) > 2000
    assert len({doc.customer_id for doc in docs}) > 30
    assert {doc.confidentiality for doc in docs} == {"internal", "confidential", "secret"}
    assert any(re.search(r"QMS-[A-Z]+-\d{5}", doc.text) for doc in docs)
    assert any(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", doc.text) for doc in docs)
    assert all(doc.meta for doc in docs if doc.page == 1)
    words = re.compile(r"^[\u4e00-\u9fff]{13,}$")  # sentences of words (names and codes recur)
    sentences = [s for doc in docs for s in re.split("[，。；：]", doc.text) if words.match(s)]
    assert len(sentences) > 5000
    assert len(set(sentences)) > 0.99 * len(sentences)  # assembled anew, not repeated


def test_the_benchmark_indexes_queries_while_filing_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "search-results.md"
    argv = ["--pages", "120", "--rounds", "2", "--per-class", "2", "--seconds", "0"]
    argv += ["--out", str(out)]
    assert bench.main([*argv, "--write-rate", "50"]) == 0
    report = out.read_text("utf-8")
    assert "| 120 |" in report
    for kind in bench.CLASSES:
        assert f"| {kind} | auditor, cold |" in report
        assert f"| {kind} | staff, one customer, warm |" in report
    assert re.search(r"another process filed [1-9]", report)
