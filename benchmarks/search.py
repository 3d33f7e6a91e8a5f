"""`make bench-search`: the embedded search backend on a realistic synthetic archive.

Builds N pages of benchmarks/corpus.py (a Zipf vocabulary of ~40,000 words from jieba's
dictionary and the seed texts, 2,000 customers, codes, dates, amounts; every sentence new;
pages of 200–3,000 characters) into a fresh SqliteBackend with ``rebuild()`` (what ``dms
reindex`` does: it also prepares the champion lists and page sets of the PREBUILT_LISTS most
frequent words). Then samples queries from the archive in classes:

* rare word (a vocabulary word on 0.005–0.05 % of the pages), common word (on 1–40 %),
  two common words, a phrase (two neighbouring words of a page, typed as one), a code
  (QMS-PM-31301, half of them in lower case), a word inside a longer word (a dictionary
  word that is a non-initial part of a longer vocabulary word);

none of them a word whose list the rebuild prepared. While the queries run, another process
files records (``--write-rate`` pages a second, jieba and all), so searches pay for keeping
their lists and sets fresh. Each query runs ``--rounds`` times in an auditor's scope
(every customer and level) and in a staff member's (one customer of five granted, two
levels): the first run is cold (its lists and sets are made then), the others warm.
Reported per class: p50/p95 of wall-clock and of the search thread's CPU time (robust to
the machine's other work), build time, index size per page.

    .venv/bin/python benchmarks/search.py [--pages N] [--index DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import multiprocessing
import os
import platform
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/search.py`
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import SEEDS, Corpus, Vocabulary  # noqa: E402
from benchmarks.sentences import CUSTOMERS, QUERIES, generate, sentences  # noqa: E402
from search import analysis  # noqa: E402
from search.backends.sqlite import SqliteBackend  # noqa: E402
from search.backends.sqlite import backend as sqlite  # noqa: E402
from search.backends.sqlite import matching as sqlite_matching  # noqa: E402
from search.types import PageDoc, Scope, SearchQuery  # noqa: E402

__all__ = ["CUSTOMERS", "QUERIES", "SEEDS", "generate", "main", "sentences"]  # load.py uses them
STAFF_LEVELS = frozenset({"internal", "confidential"})
ALL_LEVELS = frozenset({"internal", "confidential", "secret"})
CLASSES = (
    "rare word", "common word", "two common words", "phrase", "code",
    "word inside a longer word",
)  # fmt: skip
WRITER_FIRST_RECORD = 50_000_000  # record ids of the pages filed during the queries
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)  # milliseconds
    cpu: list[float] = field(default_factory=list)  # the search thread's CPU milliseconds
    matches: list[int] = field(default_factory=list)

    def add(self, wall: float, cpu: float, matches: int) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.matches.append(matches)


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100)) if values else float("nan")


# Queries -----------------------------------------------------------------------------------


def sample_queries(
    backend: SqliteBackend, corpus: Corpus, per_class: int, seed: int = 9
) -> dict[str, list[str]]:
    """``per_class`` queries of each class, from the archive's words and pages, none a word
    whose champion list the rebuild prepared."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    con = backend.con
    pages = int((con.execute("SELECT count(*) FROM pages").fetchone() or (0,))[0])
    prepared = {term for (term,) in con.execute("SELECT term FROM champion_lists")}
    con.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.bench_vocab USING fts5vocab(main, fts, row)"
    )
    counts = dict(con.execute("SELECT term, doc FROM bench_vocab WHERE term GLOB '[一-龥]*'"))
    con.execute("DROP TABLE temp.bench_vocab")
    words = [
        w
        for w in corpus.vocabulary.words
        if len(w) > 1 and sqlite_matching._phrase([w]) not in prepared
    ]
    rare = [w for w in words if 0.00005 * pages <= counts.get(w, 0) <= max(3, 0.0005 * pages)]
    common = [w for w in words if 0.01 * pages <= counts.get(w, 0) <= 0.4 * pages]
    inside: set[str] = set()
    dictionary = analysis._jieba().FREQ
    for longer in corpus.vocabulary.words:
        for size in (2, 3):
            for start in range(1, len(longer) - size + 1):
                part = longer[start : start + size]
                if (
                    dictionary.get(part)
                    and counts.get(part, 0) >= 3
                    and sqlite._phrase([part]) not in prepared
                ):
                    inside.add(part)
    phrases: list[str] = []
    ids = [row[0] for row in con.execute("SELECT id FROM pages ORDER BY random() LIMIT 400")]
    for page_id in ids:
        (text,) = cast(
            Any, con.execute("SELECT text FROM pages WHERE id = ?", (page_id,)).fetchone()
        )
        cut = [w for w in analysis._jieba().cut(text[rng.randrange(len(text)) :][:60], HMM=False)]
        pairs = [a + b for a, b in itertools.pairwise(cut) if _CJK.match(a + b) and len(a + b) > 3]
        if pairs:
            phrases.append(rng.choice(pairs))
    generator = np.random.default_rng(seed)
    codes = list(dict.fromkeys(corpus.code(generator) for _ in range(per_class * 20)))[:per_class]
    codes = [code.lower() if index % 2 else code for index, code in enumerate(codes)]

    def some(pool: list[str]) -> list[str]:
        return rng.sample(sorted(pool), min(per_class, len(pool)))

    return {
        "rare word": some(rare),
        "common word": some(common),
        "two common words": [" ".join(rng.sample(common, 2)) for _ in range(per_class)],
        "phrase": some(phrases),
        "code": codes,
        "word inside a longer word": some(sorted(inside)),
    }


# Filing while searching --------------------------------------------------------------------


def _writer(path: str, rate: float, stop: Any, filing: Any, report: Any, seed: int) -> None:
    """File records at ``rate`` pages a second until ``stop`` is set (another process, as
    an ingestion worker is)."""
    backend = SqliteBackend(Path(path), cache_dir=Path(path).parent / "jieba")
    corpus = Corpus(Vocabulary.load(), seed=seed)
    pages = corpus.pages(10**9, first_record=WRITER_FIRST_RECORD)
    filed, took, started = 0, [], time.perf_counter()
    record: list[PageDoc] = []
    while not stop.is_set():
        record = [next(pages)]
        while record[-1].page < 8:
            following = next(pages)
            if following.record_id != record[0].record_id:
                pages = _pushed_back(following, pages)
                break
            record.append(following)
        begun = time.perf_counter()
        backend.index(record)
        took.append((time.perf_counter() - begun) * 1000)
        filed += len(record)
        filing.set()  # the queries start once filing has
        ahead = started + filed / rate - time.perf_counter()
        if ahead > 0:
            stop.wait(ahead)
    report.put({"pages": filed, "seconds": time.perf_counter() - started, "ms": took})
    backend.close()


def _pushed_back(first: PageDoc, rest: Iterator[PageDoc]) -> Iterator[PageDoc]:
    yield first
    yield from rest


# Running -----------------------------------------------------------------------------------


def run_queries(
    backend: SqliteBackend,
    queries: dict[str, list[str]],
    rounds: int,
    seconds: float = 0.0,
    seed: int = 9,
) -> dict[tuple[str, str, str], Samples]:
    """(class, scope, cold|warm) -> samples, the queries of all classes interleaved; more
    warm passes until ``seconds`` have gone (while the writer files)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    order = [(kind, text) for kind, texts in queries.items() for text in texts]
    rng.shuffle(order)
    found: dict[tuple[str, str, str], Samples] = {}
    deadline = time.perf_counter() + seconds
    _one_pass(backend, order, rounds, found, rng, cold=True)
    while time.perf_counter() < deadline:
        _one_pass(backend, order, 1, found, rng, cold=False)
    return found


def _one_pass(
    backend: SqliteBackend,
    order: list[tuple[str, str]],
    rounds: int,
    found: dict[tuple[str, str, str], Samples],
    rng: random.Random,
    cold: bool,
) -> None:
    top = int((backend.con.execute("SELECT max(customer_id) FROM pages").fetchone() or (1,))[0])
    for kind, text in order:
        granted = frozenset(rng.sample(range(1, min(top, 50) + 1), 5))  # large customers
        scopes = {
            "auditor": (Scope(customer_ids=None, levels=ALL_LEVELS), SearchQuery(text=text)),
            "staff, one customer": (
                Scope(customer_ids=granted, levels=STAFF_LEVELS),
                SearchQuery(text=text, customer_ids=frozenset({min(granted)})),
            ),
        }
        for scope_name, (scope, query) in scopes.items():
            for round_ in range(rounds):
                wall, cpu = time.perf_counter(), time.thread_time()
                total = backend.search(query, scope).total
                cpu = (time.thread_time() - cpu) * 1000
                wall = (time.perf_counter() - wall) * 1000
                key = (kind, scope_name, "cold" if cold and round_ == 0 else "warm")
                found.setdefault(key, Samples()).add(wall, cpu, total)


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.parent.glob(path.name + "*"))


def build_index(backend: SqliteBackend, corpus: Corpus, pages: int) -> dict[str, float]:
    """Index ``pages`` pages of the corpus with rebuild(): pages, seconds, CPU seconds,
    characters."""
    characters = 0

    def counted() -> Iterator[PageDoc]:
        nonlocal characters
        for doc in corpus.pages(pages):
            characters += len(doc.text) + len(doc.meta)
            yield doc

    last = [time.perf_counter(), 0.0]

    def progress(count: int) -> None:
        last[1] += count
        if time.perf_counter() - last[0] > 60:
            print(f"[bench-search] {last[1]:,.0f} pages indexed", file=sys.stderr, flush=True)
            last[0] = time.perf_counter()

    started, cpu = time.perf_counter(), time.process_time()
    indexed = backend.rebuild(counted(), progress)
    built = {
        "pages": indexed,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "characters": characters,
    }
    backend.close()
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each query (1 cold)")
    parser.add_argument("--per-class", type=int, default=20, help="queries of each class")
    parser.add_argument("--write-rate", type=float, default=5.0, help="pages filed a second")
    parser.add_argument(
        "--seconds", type=float, default=120.0, help="query for at least this long (warm passes)"
    )
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument(
        "--index", type=Path, help="keep the index in this folder; reuse it if built before"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "search-results.md")
    parser.add_argument(
        "--build-only", action="store_true", help="build the --index and stop (time queries later)"
    )
    args = parser.parse_args(argv)

    corpus = Corpus(Vocabulary.load(args.seeds))
    with tempfile.TemporaryDirectory(prefix="dms-bench-search-") as tmp:
        folder = args.index or Path(tmp)
        path, saved = folder / "search.sqlite3", folder / "build.json"
        backend = SqliteBackend(path, cache_dir=folder / "jieba")
        analysis.warm_up()
        if saved.exists():  # --index: an index built before, to measure queries again
            built = json.loads(saved.read_text())
            if built["pages"] != args.pages:
                raise SystemExit(f"{path} holds {built['pages']} pages, not {args.pages}")
            _remove_written(backend)
            if not backend.con.execute("SELECT 1 FROM champion_lists LIMIT 1").fetchall():
                started = time.perf_counter()  # an index built before this list format
                backend.prebuild_lists()
                built["lists_seconds"] = time.perf_counter() - started
                saved.write_text(json.dumps(built))
        else:
            built = build_index(backend, corpus, args.pages)
            saved.write_text(json.dumps(built))
        size = directory_size(path)
        print(
            f"[bench-search] built: {built}, {size / built['pages']:.0f} bytes/page",
            file=sys.stderr,
        )
        if args.build_only:
            backend.close()
            return 0
        queries = sample_queries(backend, corpus, args.per_class)
        written = _start_writer(path, args.write_rate)
        try:
            started = time.perf_counter()
            samples = run_queries(backend, queries, args.rounds, args.seconds)
            seconds = time.perf_counter() - started
        finally:
            filing = _stop_writer(*written)
        _remove_written(backend)
        backend.close()
    words = len(corpus.vocabulary.words)
    page = report(args, built, size, words, queries, samples, seconds, filing)
    print(page)
    args.out.write_text(page, "utf-8")
    return 0


def _start_writer(path: Path, rate: float) -> tuple[Any, Any, Any]:
    context = multiprocessing.get_context("fork")
    stop, filing, results = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=_writer, args=(str(path), rate, stop, filing, results, 77))
    if rate > 0:
        process.start()
        filing.wait(timeout=300)
    return process, stop, results


def _stop_writer(process: Any, stop: Any, results: Any) -> dict[str, Any]:
    if not process.pid:
        return {"pages": 0, "seconds": 0.0, "ms": []}
    stop.set()
    found: dict[str, Any] = results.get(timeout=300)
    process.join(timeout=60)
    return found


def _remove_written(backend: SqliteBackend) -> None:
    """Take out what a writer filed, so a kept index holds the built pages only."""
    rows = backend.con.execute(
        "SELECT DISTINCT record_id FROM pages WHERE record_id >= ?", (WRITER_FIRST_RECORD,)
    ).fetchall()
    if rows:
        backend.remove([int(cast(Any, row)[0]) for row in rows])


def report(
    args: argparse.Namespace,
    built: dict[str, float],
    size: int,
    words: int,
    queries: dict[str, list[str]],
    samples: dict[tuple[str, str, str], Samples],
    seconds: float,
    filing: dict[str, Any],
) -> str:
    pages = int(built["pages"])
    load = os.getloadavg()[0]
    lines = [
        "# Search benchmark",
        "",
        f"`benchmarks/search.py --pages {pages} --rounds {args.rounds} --per-class"
        f" {args.per_class} --write-rate {args.write_rate:g} --seconds {args.seconds:g}` on"
        f" {datetime.date.today().isoformat()}: {os.cpu_count()} cores, {platform.machine()},"
        f" Python {platform.python_version()}, load average {load:.1f} at the end. The machine"
        " was shared with other work: wall-clock figures carry its noise, the CPU-time"
        " columns (the search thread's own) much less.",
        "",
        f"{pages:,} pages of benchmarks/corpus.py ({built['characters'] / pages:,.0f} characters"
        " a page on average, 200–3,000; a Zipf vocabulary of"
        f" {words:,} words), indexed into a fresh SQLite FTS5"
        " file with `SqliteBackend.rebuild()` (jieba, one process; it also prepares the lists"
        f" and sets of the {sqlite.PREBUILT_LISTS} most frequent words).",
        "",
        "| pages | build s | build CPU s | pages/s | index size | bytes/page |",
        "|---|---|---|---|---|---|",
        f"| {pages:,} | {built['seconds']:.0f} | {built.get('cpu_seconds', float('nan')):.0f}"
        f" | {pages / built['seconds']:.0f} | {size / 2**20:,.0f} MiB | {size / pages:,.0f} |",
        *(
            [
                "",
                "The lists and sets of the most frequent words were prepared again on the built"
                f" index (a new list format) in {built['lists_seconds']:.0f} s, not counted above.",
            ]
            if "lists_seconds" in built
            else []
        ),
        "",
        f"Queries: {args.per_class} per class, each run {args.rounds} times (the first cold)"
        " in each scope, all interleaved, then warm passes until"
        f" {args.seconds:g} s had gone, while another process filed"
        f" {filing['pages']:,} pages ({args.write_rate:g} pages/s asked,"
        f" {filing['pages'] / max(filing['seconds'], 1e-9):.1f} done) during the"
        f" {seconds:.0f} s of queries"
        + (
            f"; a filing (one record) took p50 {percentile(filing['ms'], 0.5):.0f} ms,"
            f" p95 {percentile(filing['ms'], 0.95):.0f} ms."
            if filing["ms"]
            else "."
        ),
        "",
        "| class | scope | runs | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms"
        " | mean matches |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in CLASSES:
        for scope in ("auditor", "staff, one customer"):
            for state in ("cold", "warm"):
                found = samples.get((kind, scope, state))
                if not found:
                    continue
                lines.append(
                    f"| {kind} | {scope}, {state} | {len(found.wall)}"
                    f" | {percentile(found.wall, 0.5):.1f} | {percentile(found.wall, 0.95):.1f}"
                    f" | {percentile(found.cpu, 0.5):.1f} | {percentile(found.cpu, 0.95):.1f}"
                    f" | {sum(found.matches) / len(found.matches):,.0f} |"
                )
    lines += ["", "The queries:", ""]
    for kind, texts in queries.items():
        lines.append(f"- {kind}: {', '.join(texts)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
