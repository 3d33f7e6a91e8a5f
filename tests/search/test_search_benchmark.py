"""`make bench-search` runs end to end on a small corpus (the figures come from the full run)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import search as bench


def test_the_generated_pages_are_realistic_and_varied() -> None:
    docs = list(bench.generate(300, bench.sentences(bench.SEEDS)))
    assert len(docs) == 300
    assert len({doc.customer_id for doc in docs}) > 20
    assert {doc.confidentiality for doc in docs} == {"internal", "confidential", "secret"}
    assert any("QMS-PM-" in doc.text for doc in docs)
    assert 600 <= sum(len(doc.text) for doc in docs) / len(docs) <= 1500
    assert all(doc.meta for doc in docs if doc.page == 1)


def test_the_benchmark_indexes_queries_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "search-results.md"
    assert bench.main(["--pages", "80", "--rounds", "1", "--out", str(out)]) == 0
    report = out.read_text("utf-8")
    assert "| 80 |" in report
    assert "filtered (one customer, staff scope)" in report
    assert "unfiltered (auditor, all customers)" in report
    row = next(line for line in report.splitlines() if line.startswith("| 投诉 |"))
    assert int(row.split("|")[3].replace(",", "")) > 0  # pages matched
