"""`dms loan ...`: the checkout register from the command line (see DESIGN.md's CLI contract)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from records_dms.archive.selectors import visible_records
from records_dms.cli.base import EXIT_OK, Add, CommandError, actor, emit, iso_date
from records_dms.lending.permissions import VIEW_REGISTER


def _loan(ident: str) -> Any:
    from records_dms.lending.models import Loan

    loan = (
        Loan.objects.filter(pk=int(ident)).first()
        if ident.isdigit()
        else Loan.objects.filter(number=ident.upper()).first()
    )
    if loan is None:
        raise CommandError(f"no loan {ident!r}")
    return loan


def _who(args: argparse.Namespace) -> Any:

    who = actor(args)
    if who is None:
        raise CommandError("loan commands act for a person: give --as USERNAME")
    return who


def _png(path: str | None) -> bytes | None:

    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from error


def loan_as_dict(loan: Any, viewer: Any = None) -> dict[str, Any]:
    """The loan as the API gives it, trimmed to what ``viewer`` may see (all without one)."""
    from records_dms.lending.api.serializers import LoanSerializer

    loan.refresh_from_db()  # a service may have moved it on by an update
    data: dict[str, Any] = LoanSerializer(loan, context={"viewer": viewer}).data
    return data


def _run(args: argparse.Namespace, work: Callable[[], Any]) -> int:
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        loan = work()
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CommandError("; ".join(messages)) from error
    payload = loan_as_dict(loan, actor(args))
    emit(args, payload, f"{payload['number']} {payload['state']} (id {payload['id']})")
    return EXIT_OK


def cmd_loan_request(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model

    from records_dms.archive.models import Record
    from records_dms.lending.services import loan_request

    actor = _who(args)
    records = []
    for reference in args.references:
        record = Record.objects.filter(reference=reference.upper()).first()
        if record is None:
            raise CommandError(f"no record {reference!r}")
        records.append(record)
    borrower = None
    if args.borrower:
        borrower = get_user_model().objects.filter(username=args.borrower).first()
        if borrower is None:
            raise CommandError(f"no user {args.borrower!r}")
    return _run(
        args,
        lambda: loan_request(
            actor=actor,
            items=[(record, args.kind) for record in records],
            purpose=args.purpose or "",
            due_on=args.due,
            borrower=borrower,
        ),
    )


def cmd_loan_approve(args: argparse.Namespace) -> int:
    from records_dms.lending.services import loan_approve

    actor, loan = _who(args), _loan(args.id)
    return _run(args, lambda: loan_approve(loan=loan, actor=actor, note=args.note or ""))


def cmd_loan_refuse(args: argparse.Namespace) -> int:
    from records_dms.lending.services import loan_refuse

    actor, loan = _who(args), _loan(args.id)
    return _run(args, lambda: loan_refuse(loan=loan, actor=actor, reason=args.reason))


def cmd_loan_checkout(args: argparse.Namespace) -> int:
    from records_dms.lending.services import loan_check_out

    actor, loan = _who(args), _loan(args.id)
    signature = _png(args.signature)
    if signature is None:
        raise CommandError("the borrower signs at checkout: give --signature PNG")
    return _run(args, lambda: loan_check_out(loan=loan, actor=actor, signature=signature))


def cmd_loan_return(args: argparse.Namespace) -> int:
    from records_dms.lending.models import Condition
    from records_dms.lending.services import loan_return

    actor, loan = _who(args), _loan(args.id)
    by_reference = {item.record.reference: item.pk for item in loan.items.select_related("record")}
    conditions: dict[int, str] = {}
    for given in args.condition or []:
        reference, _sep, condition = given.rpartition("=")
        if reference.upper() not in by_reference or condition not in Condition.values:
            raise CommandError(
                f"--condition {given!r}: give REFERENCE=CONDITION for an item of this loan, "
                f"CONDITION one of {', '.join(Condition.values)}"
            )
        conditions[by_reference[reference.upper()]] = condition
    signature = _png(args.signature)
    return _run(
        args,
        lambda: loan_return(
            loan=loan, actor=actor, signature=signature, conditions=conditions, note=args.note or ""
        ),
    )


def cmd_loan_show(args: argparse.Namespace) -> int:
    from records_dms.lending.selectors import loans_visible

    actor, loan = _who(args), _loan(args.id)
    if not loans_visible(actor).filter(pk=loan.pk).exists():
        raise CommandError(f"no loan {args.id!r}")
    payload = loan_as_dict(loan, actor)
    emit(args, payload, f"{payload['number']} {payload['state']} (id {payload['id']})")
    return EXIT_OK


def cmd_loan_overdue(args: argparse.Namespace) -> int:
    from records_dms.lending.overdue import loans_mark_overdue

    marked = loans_mark_overdue(today=args.on)
    payload = [loan_as_dict(loan) for loan in marked]
    lines = [f"{p['number']} {p['state']} due {p['due_on']} {p['borrower']}" for p in payload]
    emit(args, payload, "\n".join(lines) or "no loan newly overdue")
    return EXIT_OK


def cmd_loan_register(args: argparse.Namespace) -> int:
    from records_dms.lending.exports import register_csv, register_entries, register_pdf

    actor = _who(args)
    from records_dms.accounts.policy import policy

    if not policy.has(actor, VIEW_REGISTER):
        raise CommandError(f"{actor.get_username()} may not read the register")
    from records_dms.lending.selectors import register_visible

    shown = register_visible(actor, register_entries(start=args.start, end=args.end))
    entries, trimmed = shown.entries, shown.trimmed
    output = Path(args.output)
    data = (
        register_pdf(entries, start=args.start, end=args.end, trimmed=trimmed)
        if output.suffix.lower() == ".pdf"
        else register_csv(entries, trimmed)
    )
    output.write_bytes(data)
    payload = {
        "file": str(output),
        "entries": len(entries),
        "trimmed": len(trimmed),
        "bytes": len(data),
    }
    emit(args, payload, f"wrote {len(entries)} register entries to {output}")
    return EXIT_OK


def cmd_loan_handover(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from records_dms.archive.models import Record
    from records_dms.lending.custody import custody_hand_over

    actor = _who(args)
    records = list(Record.objects.filter(reference__in=[r.upper() for r in args.references]))
    if len(records) != len(set(args.references)):
        raise CommandError("no such record among: " + ", ".join(args.references))
    people = get_user_model().objects.filter(is_active=True)
    to_user = people.filter(username=args.to).first()
    if to_user is None:
        raise CommandError(f"no active user {args.to!r}")
    from_user = actor
    if args.from_user:
        from_user = people.filter(username=args.from_user).first()
        if from_user is None:
            raise CommandError(f"no active user {args.from_user!r}")
    from_png, to_png = _png(args.signature), _png(args.to_signature)
    if from_png is None or to_png is None:
        raise CommandError("both sign: give --signature PNG and --to-signature PNG")
    try:
        custody_hand_over(
            records=records,
            to_user=to_user,
            actor=actor,
            from_signature=from_png,
            to_signature=to_png,
            department=args.department or "",
            from_user=from_user,
            from_department=args.from_department or "",
        )
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CommandError("; ".join(messages)) from error
    payload = {
        "from": from_user.get_username(),
        "to": to_user.get_username(),
        "references": [r.reference for r in records],
    }
    emit(args, payload, f"handed {len(records)} originals over to {to_user.get_username()}")
    return EXIT_OK


def cmd_loan_read(args: argparse.Namespace) -> int:
    """Register reading in the room: the item stays in the archive; purpose, time, person."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from records_dms.lending.api.serializers import ReadingEntrySerializer
    from records_dms.lending.services import reading_register

    actor = _who(args)
    record = visible_records(user=actor).filter(reference=args.reference.strip().upper()).first()
    if record is None:
        raise CommandError(f"no record {args.reference!r}")
    reader = get_user_model().objects.filter(username=args.reader, is_active=True).first()
    if reader is None:
        raise CommandError(f"no active user {args.reader!r}")
    try:
        entry = reading_register(record=record, reader=reader, purpose=args.purpose, actor=actor)
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CommandError("; ".join(messages)) from error
    payload = ReadingEntrySerializer(entry).data
    emit(
        args,
        payload,
        f"#{entry.sequence} {record.reference} read by {reader.get_username()} in the room",
    )
    return EXIT_OK


def register(commands: Any, add: Add) -> None:
    loan = commands.add_parser("loan", help="the checkout register (loans)")
    sub = loan.add_subparsers(dest="subcommand", required=True)
    request = add("request", cmd_loan_request, "ask to borrow records", sub, json_flag=True)
    request.add_argument("references", nargs="+", metavar="REFERENCE")
    request.add_argument("--kind", choices=["paper", "electronic"], default="paper")
    request.add_argument("--due", type=iso_date, help="due date, YYYY-MM-DD")
    request.add_argument("--purpose", default="")
    request.add_argument("--for", dest="borrower", metavar="USERNAME", help="borrower (clerks)")
    approve = add("approve", cmd_loan_approve, "approve a loan", sub, json_flag=True)
    approve.add_argument("id", metavar="ID")
    approve.add_argument("--note")
    refuse = add("refuse", cmd_loan_refuse, "refuse a loan", sub, json_flag=True)
    refuse.add_argument("id", metavar="ID")
    refuse.add_argument("--reason", required=True)
    checkout = add("checkout", cmd_loan_checkout, "hand the items over", sub, json_flag=True)
    checkout.add_argument("id", metavar="ID")
    checkout.add_argument("--signature", metavar="PNG", help="the borrower's signature")
    ret = add("return", cmd_loan_return, "take the items back", sub, json_flag=True)
    ret.add_argument("id", metavar="ID")
    ret.add_argument("--signature", metavar="PNG", help="the receiver's signature")
    ret.add_argument(
        "--condition",
        action="append",
        metavar="REFERENCE=CONDITION",
        help="complete (default), damaged, pages_missing or lost",
    )
    ret.add_argument("--note")
    show = add("show", cmd_loan_show, "one loan", sub, json_flag=True)
    show.add_argument("id", metavar="ID")
    overdue = add("overdue", cmd_loan_overdue, "mark loans past due (daily)", sub, json_flag=True)
    overdue.add_argument("--on", type=iso_date, default=None, help="as if today were DATE")
    handover = add(
        "handover", cmd_loan_handover, "hand paper originals over (移交)", sub, json_flag=True
    )
    handover.add_argument("references", nargs="+", metavar="REFERENCE")
    handover.add_argument("--to", required=True, metavar="USERNAME")
    handover.add_argument("--signature", metavar="PNG", help="the signature of who hands over")
    handover.add_argument("--to-signature", metavar="PNG", help="the signature of who takes over")
    handover.add_argument("--department", help="the department taking the originals over")
    handover.add_argument(
        "--from", dest="from_user", metavar="USERNAME", help="who hands over (default: --as)"
    )
    handover.add_argument("--from-department", help="the department handing them over")
    read = add("read", cmd_loan_read, "register reading in the room (查阅)", sub, json_flag=True)
    read.add_argument("reference", metavar="REFERENCE")
    read.add_argument("--reader", required=True, metavar="USERNAME", help="who reads")
    read.add_argument("--purpose", required=True, help="what the reading is for")
    export = add(
        "register", cmd_loan_register, "export the register (.pdf or .csv)", sub, json_flag=True
    )
    export.add_argument("output", metavar="FILE")
    export.add_argument("--from", dest="start", type=iso_date, default=None)
    export.add_argument("--to", dest="end", type=iso_date, default=None)
