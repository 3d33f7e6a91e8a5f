"""`dms customer add`, `dms show`, `dms stamp`, `dms search` and `dms reindex`."""

from __future__ import annotations

import argparse
import re
from typing import Any

from records_dms.cli.base import EXIT_OK, Add, CommandError, Progress, actor, emit


def add_search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", help='words, "a phrase", a code such as QMS-PM-31301')
    search.add_argument("--customer", action="append", default=[], help="customer code")
    search.add_argument("--type", action="append", default=[], help="record type")
    search.add_argument("--limit", type=int, default=20)


def run_search(args: argparse.Namespace, who: Any) -> list[dict[str, Any]]:
    from records_dms.archive.api.serializers import SearchHitSummarySerializer
    from records_dms.archive.searching import SearchFilters, record_search

    page = record_search(
        user=who,
        text=args.query,
        filters=SearchFilters(
            customers=tuple(code.upper() for code in args.customer),
            record_types=tuple(args.type),
        ),
        limit=args.limit,
    )
    return list(SearchHitSummarySerializer(page.results.hits, many=True).data)


def run_reindex(args: argparse.Namespace, who: Any) -> dict[str, int]:
    from records_dms.archive.indexing import indexable_count, search_rebuild

    progress = Progress(indexable_count(), enabled=not args.json)
    pages = search_rebuild(actor=who, progress=lambda count: progress.step("", count))
    return {"pages": pages}


def cmd_customer_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from records_dms.archive.api.serializers import CustomerSerializer
    from records_dms.archive.services import customer_create

    try:
        customer = customer_create(
            code=args.code, name=args.name, kind=args.kind, actor=actor(args)
        )
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    emit(args, CustomerSerializer(customer).data, f"created {customer}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """One record as the contract says: metadata, state, parent, due date and its pages."""
    from records_dms.archive.api.serializers import RecordDetailSerializer
    from records_dms.archive.models import Record
    from records_dms.archive.selectors import visible_records
    from records_dms.archive.services import record_access_log

    who = actor(args)
    # No --as: the operator at the machine, who reads every record (and is audited).
    records = visible_records(user=who) if who is not None else Record.objects.all()
    record = records.filter(reference=args.reference.strip().upper()).first()
    if record is None:  # out of reach and absent look the same, as on every screen
        raise CommandError(f"no record {args.reference!r}")
    record_access_log(record=record, actor=who, what="cli show")
    payload = RecordDetailSerializer(record).data
    emit(args, payload, show_text(payload))
    return EXIT_OK


def cmd_stamp(args: argparse.Namespace) -> int:
    """Write the record's PDF with its filing stamp (归档章) to OUT; audited as a download."""
    import hashlib
    import os
    import tempfile
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from records_dms.accounts.policy import policy
    from records_dms.archive.models import Record
    from records_dms.archive.permissions import READ_RECORD
    from records_dms.archive.selectors import visible_records
    from records_dms.archive.services import record_access_log
    from records_dms.archive.stamping import record_stamped_pdf
    from records_dms.audit import events

    who = actor(args)
    records = visible_records(user=who) if who is not None else Record.objects.all()
    record = records.filter(reference=args.reference.strip().upper()).first()
    if record is None or (who is not None and not policy.has(who, READ_RECORD)):
        raise CommandError(f"no record {args.reference!r}")
    try:
        data = record_stamped_pdf(record)
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"{out}: no such folder {str(out.parent)!r}")
    # Whole or nothing: a temporary file beside OUT, renamed over it once written.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, out)
    record_access_log(record=record, actor=who, action=events.RECORD_DOWNLOADED, what="cli stamp")
    payload = {
        "reference": record.reference,
        "file": str(out),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    emit(args, payload, f"wrote {out} ({len(data)} bytes), {record.reference} stamped")
    return EXIT_OK


def show_text(payload: dict[str, Any]) -> str:
    head = [
        f"{payload['reference']}  {payload['title']}",
        f"customer {payload['customer']}, {payload['type']}, {payload['confidentiality']}, "
        f"state {payload['state']}, dated {payload['document_date']}, "
        f"due {payload.get('due_date') or '-'}",
    ]
    if payload.get("parent"):
        head.append(f"attachment of {payload['parent']}")
    for page in payload["pages"]:
        confidence = f", confidence {page['confidence']:.0f}" if page["confidence"] else ""
        head.append(f"--- page {page['number']} ({page['source']}{confidence})")
        head.append(page["text"])
    return "\n".join(head)


def cmd_search(args: argparse.Namespace) -> int:
    hits = run_search(args, actor(args))
    lines = [
        f"{h['reference']:<24} p.{h['page']:<4} {h['customer']:<10} "
        + re.sub(r"</?mark>", "*", h["snippet"]).replace("\n", " ")
        for h in hits
    ]
    emit(args, hits, "\n".join(lines) or "no hits")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    counts = run_reindex(args, actor(args))
    emit(args, counts, f"reindexed {counts['pages']} pages")
    return EXIT_OK


def register(commands: Any, add: Add) -> None:
    customer = commands.add_parser("customer", help="customers")
    customer_commands = customer.add_subparsers(dest="subcommand", required=True)
    customer_add = add(
        "add", cmd_customer_add, "create a customer", customer_commands, json_flag=True
    )
    customer_add.add_argument("code")
    customer_add.add_argument("name")
    customer_add.add_argument(
        "--kind", default="enterprise", choices=["enterprise", "individual", "prospect", "partner"]
    )
    show = add("show", cmd_show, "one record: metadata, state and its pages", json_flag=True)
    show.add_argument("reference")
    stamp = add(
        "stamp",
        cmd_stamp,
        "write a record's PDF with its filing stamp (归档章, DA/T 22-2015)",
        json_flag=True,
    )
    stamp.add_argument("reference")
    stamp.add_argument("out", help="the PDF file to write")
    add_search_arguments(add("search", cmd_search, "full-text search", json_flag=True))
    add("reindex", cmd_reindex, "rebuild the search index without downtime", json_flag=True)
