"""`dms import` and `dms inbox`: filing files from the command line and the scanner inbox."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from records_dms.cli.base import (
    EXIT_FAILURE,
    EXIT_OK,
    Add,
    CommandError,
    Progress,
    actor,
    emit,
    iso_date,
)


def files_under(paths: list[str]) -> Iterator[Path]:
    """Each named file, and every file under each named folder, in a stable order."""
    for name in paths:
        path = Path(name)
        if path.is_dir():  # links are listed (to be refused), never followed
            yield from sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink())
        else:
            yield path


def job_summary(job: Any, file: str, refusal: str = "") -> dict[str, Any]:
    from ingestion.api.serializers import ImportedFile, ImportedFileSerializer

    data: dict[str, Any] = ImportedFileSerializer(ImportedFile(file, job, refusal)).data
    return data


def run_import(
    args: argparse.Namespace,
    who: Any,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """File every path; return one summary per file and whether all went well.

    ``on_result`` is told of each file as soon as it is accepted, so an interrupted import
    has already said which files it took.
    """
    from ingestion.models import IngestionJob, JobStatus
    from ingestion.services import ingest_retry, ingest_submit
    from records_dms.archive.models import Customer

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
            results.append(job_summary(None, str(path), refusal))
            if on_result is not None:
                on_result(results[-1])
            progress.step(path.name)
            continue
        with path.open("rb") as stream:
            job = ingest_submit(
                customer=customer,
                stream=stream,
                filename=path.name,
                actor=who,
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


def cmd_import(args: argparse.Namespace) -> int:
    from records_dms.archive.models import RecordType

    if args.type not in RecordType.values:
        raise CommandError(
            f"unknown record type {args.type!r}; one of {', '.join(RecordType.values)}"
        )

    def line(r: dict[str, Any]) -> None:  # each file as soon as it is taken
        text = f"{r['status']:<9} {r['reference'] or '-':<24} {r['file']}"
        print(text + (f"  ({r['error']})" if r["error"] else ""), flush=True)

    results, ok = run_import(args, actor(args), on_result=None if args.json else line)
    if args.json:
        emit(args, results, "")
    elif not results:
        print("nothing to import")
    return EXIT_OK if ok else EXIT_FAILURE


def cmd_inbox(args: argparse.Namespace) -> int:
    from ingestion.inbox import inbox_scan, inbox_watch

    if args.watch:
        inbox_watch(args.interval)
    outcomes = inbox_scan(settle_seconds=args.settle)
    payload = [
        {
            "file": str(o.path),
            "status": str(o.job.status) if o.job else "rejected",
            "reference": o.job.record.reference if o.job and o.job.record else None,
            "error": o.reason or None,
        }
        for o in outcomes
    ]
    emit(
        args, payload, "\n".join(f"{p['status']:<9} {p['file']}" for p in payload) or "inbox empty"
    )
    return EXIT_OK


def register(commands: Any, add: Add) -> None:
    add_import_arguments(
        add("import", cmd_import, "file files and folders into a dossier", json_flag=True)
    )
    inbox = add("inbox", cmd_inbox, "file what scanners dropped in the inbox", json_flag=True)
    inbox.add_argument("--watch", action="store_true", help="keep watching")
    inbox.add_argument("--interval", type=float, default=5.0)
    inbox.add_argument(
        "--settle",
        type=float,
        default=2.0,
        help="seconds a file must be unchanged before it is taken",
    )
