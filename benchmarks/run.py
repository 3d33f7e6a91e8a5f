"""`make bench`: what filing costs, measured on inputs made here from the seed texts.

1. Born-digital PDFs filed end to end (pages per second); Tesseract must never run for them.
2. Scans (clean, noisy, poor 12 pt pages; large text, phone photos, mixed sizes) read four
   ways, each with one process per core: bare `tesseract` on the page JPEGs writing text,
   and again writing TSV and PDF (what the pipeline needs); our OCR step (``ocr_frame``:
   ``prepare`` and one Tesseract pass writing TSV and PDF text over the JPEG) on the same
   files; and the whole pipeline filing a scanned PDF that embeds those very JPEG bytes.
   Pages per minute, CPU seconds and character error rates.
3. Peak memory of a child process filing a 300-page scanned PDF, Tesseract children included.

Everything runs in a fresh data folder (DMS_DATA_DIR set to a temporary directory). The
results are printed and, for the full run, written to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/run.py`
    sys.path.insert(0, str(ROOT))

from benchmarks import filing, render, report  # noqa: E402
from benchmarks.cer import corpus_cer, errors  # noqa: E402
from benchmarks.filing import CUSTOMER, file_document, filed_pages, setup_django  # noqa: E402
from benchmarks.rss import run_measured  # noqa: E402


@dataclass(frozen=True)
class Plan:
    name: str
    digital_files: int
    digital_pages: int  # per file
    scans_per_condition: int
    scan_lines: int  # lines of Chinese per scanned page
    big_pages: int  # the memory run
    big_lines: int


FULL = Plan("full", 4, 25, 5, 20, 300, 3)
QUICK = Plan("quick", 2, 5, 2, 20, 30, 3)


@dataclass
class Pass:
    """One way of reading a set of pages: texts in page order, wall and CPU seconds."""

    texts: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0


def cpu_seconds() -> float:
    """CPU of this process (all threads) and of every child it has reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def measured(result: Pass) -> Iterator[None]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield
    result.seconds += time.perf_counter() - wall
    result.cpu += cpu_seconds() - cpu


# 1. Born-digital ----------------------------------------------------------------------------


def bench_digital(plan: Plan, work: Path) -> dict[str, Any]:
    from django.conf import settings

    files, truths = [], []
    for index in range(plan.digital_files):
        path, paragraphs = render.born_digital_pdf(
            plan.digital_pages, work / f"digital-{index + 1}.pdf", seed=100 + index
        )
        files.append(path)
        truths.append(render.DIGITAL_TITLE + "".join(paragraphs))
    calls = work / "tesseract-calls.log"
    spy = work / "tesseract-spy"
    spy.write_text(
        f'#!/bin/sh\necho "$*" >> "{calls}"\nexec {settings.INGESTION.tesseract_cmd} "$@"\n'
    )
    spy.chmod(0o755)
    original = settings.INGESTION
    settings.INGESTION = dataclasses.replace(original, tesseract_cmd=str(spy))
    result, sources, pairs = Pass(), [], []
    try:
        for path, truth in zip(files, truths, strict=True):
            with measured(result):
                job, _seconds = file_document(path)
            pages = filed_pages(job)
            sources += [source for _text, source in pages]
            pairs.append((truth, "".join(text for text, _source in pages)))
    finally:
        settings.INGESTION = original
    tesseract_runs = len(calls.read_text().splitlines()) if calls.exists() else 0
    return {
        "files": len(files),
        "pages": len(sources),
        "seconds": result.seconds,
        "pages_per_second": len(sources) / result.seconds,
        "ocr_pages": sum(source != "text_layer" for source in sources),
        "tesseract_runs": tesseract_runs,
        "cer": corpus_cer(pairs),
    }


# 2. Scans -----------------------------------------------------------------------------------


def bare_tesseract(paths: list[Path], workers: int, out: Path, outputs: str = "txt") -> Pass:
    """`tesseract page.jpg out -l LANGS txt`, one single-threaded process per worker.

    With ``outputs="tsv pdf"`` it writes what our OCR step needs (text with confidences and
    a PDF page): the difference to our step is then the preprocessing alone.
    """
    from django.conf import settings

    from ingestion.ocr import read_tsv

    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(path: Path) -> str:
        base = out / f"bare-{outputs.replace(' ', '-')}-{path.stem}"
        command = [
            settings.INGESTION.tesseract_cmd,
            str(path),
            str(base),
            "-l",
            settings.INGESTION.ocr_languages,
        ]
        subprocess.run([*command, *outputs.split()], env=env, check=True, capture_output=True)
        if outputs == "txt":
            return base.with_suffix(".txt").read_text(encoding="utf-8")
        return read_tsv(base.with_suffix(".tsv"))[0]

    result = Pass()
    with measured(result), ThreadPoolExecutor(max_workers=workers) as pool:
        result.texts = list(pool.map(one, paths))
    return result


def prepare_cost(paths: list[Path]) -> float:
    """CPU seconds of ``prepare_image`` alone per page (decoding not counted)."""
    from PIL import Image

    from ingestion.ocr import prepare_image

    total = 0.0
    for path in paths:
        with Image.open(path) as image:
            image.load()
            start = time.process_time()
            prepare_image(image, image.info.get("dpi", (None,))[0])
            total += time.process_time() - start
    return total / len(paths)


def our_ocr(paths: list[Path], workers: int, out: Path) -> Pass:
    """Our OCR step on the same files, as the image parser runs it (``ocr_each``)."""
    from ingestion.ocr import ocr_each
    from ingestion.parsers.image import ocr_frame
    from ingestion.pipeline import parse_context

    context = parse_context(out)

    def one(path: Path, slots: threading.Semaphore) -> str:
        work = out / f"ours-{path.stem}"
        work.mkdir(exist_ok=True)
        return ocr_frame(path, 0, work, context, slots=slots).text

    result = Pass()
    with measured(result):
        result.texts = ocr_each(paths, one, workers)
    return result


def our_pipeline(pages: list[render.ScanPage], work: Path, name: str) -> Pass:
    """File a scanned PDF of these pages end to end; the page texts come from the database."""
    pdf = render.scanned_pdf(pages, work / f"{name}.pdf")
    result = Pass()
    with measured(result):
        job, _seconds = file_document(pdf)
    filed = filed_pages(job)
    if any(source != "ocr" for _text, source in filed):
        raise RuntimeError(f"{name}: a scanned page was not OCR'd")
    result.texts = [text for text, _source in filed]
    return result


def read_every_way(
    chosen: list[render.ScanPage], paths: list[Path], workers: int, work: Path, *, reverse: bool
) -> dict[str, Pass]:
    """Bare Tesseract (two ways), our OCR step and the pipeline on the same pages."""
    name = chosen[0].condition
    ways: dict[str, Callable[[], Pass]] = {
        "bare": lambda: bare_tesseract(paths, workers, work),
        "bare_outputs": lambda: bare_tesseract(paths, workers, work, "tsv pdf"),
        "ocr": lambda: our_ocr(paths, workers, work),
        "pipeline": lambda: our_pipeline(chosen, work, f"scan-{name}"),
    }
    # Alternate the order so that a drift in the machine's load favours neither side.
    order = list(reversed(ways)) if reverse else list(ways)
    return {way: ways[way]() for way in order}


def bench_scans(
    plan: Plan, workers: int, work: Path, kinds: tuple[str, ...] = render.CONDITIONS + render.KINDS
) -> dict[str, Any]:
    office = [kind for kind in kinds if kind in render.CONDITIONS]
    pages = render.scan_pages(plan.scans_per_condition, plan.scan_lines, office, seed=21)
    for kind in kinds:
        if kind not in render.CONDITIONS:
            pages += render.kind_pages(kind, plan.scans_per_condition, seed=21)
    rows: dict[str, Any] = {}
    for number, condition in enumerate(kinds):
        chosen = [page for page in pages if page.condition == condition]
        paths = []
        for index, page in enumerate(chosen):
            paths.append(work / f"{condition}-{index + 1:02d}.jpg")
            paths[-1].write_bytes(page.jpeg)
        passes = read_every_way(chosen, paths, workers, work, reverse=number % 2 == 1)
        truths = [page.truth for page in chosen]
        rows[condition] = {"dpi": chosen[0].dpi, "prepare": prepare_cost(paths)}
        for way, result in passes.items():
            edits, characters = errors(list(zip(truths, result.texts, strict=True)))
            rows[condition][way] = {
                "pages": len(chosen), "seconds": result.seconds, "cpu": result.cpu,
                "edits": edits, "characters": characters,
            }  # fmt: skip
        report.progress(f"scans {condition}", rows[condition])
    return rows


# 3. Memory ----------------------------------------------------------------------------------


def bench_memory(plan: Plan, work: Path) -> dict[str, Any]:
    distinct = min(plan.big_pages, 20)
    texts = render.page_texts(distinct, plan.big_lines, seed=300)
    samples = [
        render.scan_page(lines, "office", seed=300 + index, quality=60)
        for index, lines in enumerate(texts)
    ]
    pdf = render.scanned_pdf(
        (samples[index % distinct] for index in range(plan.big_pages)), work / "big-scan.pdf"
    )
    out = work / "big-scan.json"
    with out.open("w") as stdout:
        memory = run_measured(
            [sys.executable, str(Path(filing.__file__).resolve()), str(pdf)],
            env=dict(os.environ), stdout=stdout,
        )  # fmt: skip
    if memory.returncode != 0:
        raise RuntimeError(f"filing the {plan.big_pages}-page scan failed ({memory.returncode})")
    filed = json.loads(out.read_text().strip().splitlines()[-1])
    return {
        "pages": filed["pages"],
        "lines": plan.big_lines,
        "size_mb": pdf.stat().st_size / 1024 / 1024,
        "status": filed["status"],
        "seconds": filed["seconds"],
        "ocr_pages": filed["ocr_pages"],
        "python_peak_mb": filed["python_mb"],
        "tree_peak_mb": memory.tree_peak_mb,
        "tree_peak_processes": memory.tree_peak_processes,
        "by_name_mb": memory.by_name_mb,
        "samples": memory.samples,
    }


# Driver -------------------------------------------------------------------------------------


def prepare_database() -> None:
    from django.core.management import call_command

    from records_dms.archive.services import customer_create

    call_command("migrate", verbosity=0, interactive=False)
    customer_create(code=CUSTOMER, name="基准测试客户", actor=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 3 minutes)")
    parser.add_argument("--out", type=Path, help="results file (full run: benchmarks/results.md)")
    parser.add_argument(
        "--scans-only", action="store_true",
        help="only the scanned pages (no born-digital PDFs, no memory run)",
    )  # fmt: skip
    parser.add_argument("--pages", type=int, help="scanned pages per kind (default: the plan's)")
    parser.add_argument(
        "--kinds", default=",".join(render.CONDITIONS + render.KINDS),
        help="kinds of scanned page, comma-separated (default: all)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    workers = len(os.sched_getaffinity(0))
    plan = QUICK if args.quick else FULL
    if args.pages:
        plan = dataclasses.replace(plan, scans_per_condition=args.pages)
    kinds = tuple(kind for kind in args.kinds.split(",") if kind)
    out = args.out or (None if args.quick else ROOT / "benchmarks" / "results.md")
    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="dms-bench-") as tmp:
        work = Path(tmp)
        setup_django(work / "data", workers)
        prepare_database()
        report.progress("setup", {"workers": workers, "plan": plan.name})
        digital = None if args.scans_only else bench_digital(plan, work)
        report.progress("born-digital", digital or {})
        scans = bench_scans(plan, workers, work, kinds)
        memory = None if args.scans_only else bench_memory(plan, work)
        report.progress("memory", memory or {})
    results = {
        "command": " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "plan": plan.__dict__, "workers": workers, "digital": digital, "scans": scans,
        "memory": memory, "minutes": (time.perf_counter() - started) / 60,
        "load": (load_before, os.getloadavg()),
    }  # fmt: skip
    # The raw figures first: a report can be rendered again from them (report.markdown).
    raw = (out or ROOT / "benchmarks" / "last-run").with_suffix(".json")
    raw.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    text = report.markdown(results)
    print(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
