"""`dms import` and `dms inbox`: filing files from the command line and the scanner inbox."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from error


def files_under(paths: list[str]) -> Iterator[Path]:
    """Each named file, and every file under each named folder, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():  # links are listed (to be refused), never followed
            yield from sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink())
        else:
            yield path


def job_summary(job: Any, file: str) -> dict[str, Any]:
    from ingestion.services import children_of

    record = job.record
    return {
        "file": file,
        "status": str(job.status),
        "reference": record.reference if record else None,
        "pages": record.page_count if record and job.status == "filed" else None,
        "children": [c.record.reference for c in children_of(job) if c.record is not None],
        "error": job.reason or None,
    }


class Progress:
    """A one-line progress bar on a terminal; silent when output goes to a file or pipe."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, 0, enabled and sys.stderr.isatty()

    def step(self, label: str, count: int = 1) -> None:
        self.done += count
        if self.enabled:
            filled = int(30 * self.done / max(1, self.total))
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {label[:40]:<40}"
            )
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def run_import(
    args: argparse.Namespace,
    actor: Any,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """File every path; return one summary per file and whether all went well.

    ``on_result`` is told of each file as soon as it is accepted, so an interrupted import
    has already said which files it took.
    """
    from ingestion.models import IngestionJob, JobStatus
    from ingestion.services import ingest_retry, ingest_submit
    from records_dms.archive.models import Customer

    from .cli import CommandError

    if args.retry:
        jobs = IngestionJob.objects.filter(status=JobStatus.FAILED)
        if args.customer:
            jobs = jobs.filter(customer__code=args.customer.upper())
        results = [
            job_summary(ingest_retry(job, wait=args.wait), job.original_name) for job in jobs
        ]
        return results, all(r["status"] != "failed" for r in results)
    if not args.paths or not args.customer:
        raise CommandError("give PATH... and --customer CODE (or --retry)")
    customer = Customer.objects.filter(code=args.customer.upper()).first()
    if customer is None:
        raise CommandError(f"no customer {args.customer!r}")
    files = list(files_under(args.paths))
    progress = Progress(len(files), enabled=not args.json)
    results = []
    named = {Path(name) for name in args.paths}
    for path in files:
        refusal = (
            "no such file"
            if not path.exists() and not path.is_symlink()
            else "a symbolic link inside a folder is not followed; name its target itself"
            if path.is_symlink() and path not in named
            else ""
        )
        if refusal:
            results.append(
                {
                    "file": str(path),
                    "status": "rejected",
                    "reference": None,
                    "pages": None,
                    "children": [],
                    "error": refusal,
                }
            )
            if on_result is not None:
                on_result(results[-1])
            progress.step(path.name)
            continue
        with path.open("rb") as stream:
            job = ingest_submit(
                customer=customer,
                stream=stream,
                filename=path.name,
                actor=actor,
                record_type=args.type,
                document_date=args.date,
                title=args.title or "",
                confidentiality=args.confidentiality,
                channel="upload",
                wait=args.wait,
            )
        results.append(job_summary(job, str(path)))
        if on_result is not None:
            on_result(results[-1])
        progress.step(path.name)
    return results, all(r["status"] not in ("rejected", "failed") for r in results)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    parser.add_argument("--customer", metavar="CODE")
    parser.add_argument("--type", default="other", help="record type (default: other)")
    parser.add_argument("--date", type=iso_date, help="document date, YYYY-MM-DD")
    parser.add_argument("--title")
    parser.add_argument(
        "--confidentiality", default="internal", choices=["internal", "confidential", "secret"]
    )
    parser.add_argument(
        "--wait", action="store_true", help="return when text extraction and indexing are done"
    )
    parser.add_argument("--retry", action="store_true", help="run failed imports again")
