"""`dms retention`, `dms hold` and `dms destruction`: retention from the command line.

`dms retention seal|unseal CODE --reason S` closes or opens a dossier; `dms retention
deletion-request register|answer|show|list` registers and answers a customer's request for
deletion (the answer letter is written with ``--letter PATH``).

Every step runs the same service as the admin screens, as the user named by ``--as``: the
proposer of a list still cannot approve it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from records_dms.cli.base import Add, CommandError, iso_date
from records_dms.cli.base import actor as cli_actor
from records_dms.cli.base import emit as cli_emit
from retention.api.serializers import (
    DeletionRequestSerializer,
    DestructionRequestSerializer,
    DueRecordSerializer,
    HoldSerializer,
    SealedDossierSerializer,
)

Emit = Callable[[argparse.Namespace, Any, str], None]


class RetentionCommandError(Exception):
    """A refusal to report in one line (exit 1)."""


def _records(references: list[str]) -> list[Any]:
    from records_dms.archive.models import Record

    found = {r.reference: r for r in Record.objects.filter(reference__in=references)}
    missing = [ref for ref in references if ref not in found]
    if missing:
        raise RetentionCommandError(f"no record {', '.join(missing)}")
    return [found[ref] for ref in references]


def _run(step: Callable[[], Any]) -> Any:
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        return step()
    except ValidationError as error:
        raise RetentionCommandError("; ".join(error.messages)) from error
    except PermissionDenied as error:
        raise RetentionCommandError(str(error) or "not allowed") from error


def cmd_retention_due(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from django.utils import timezone

    from retention.services.review import due_records, retention_notify
    from retention.services.schedules import retention_backfill

    on = args.on or timezone.localdate()
    retention_backfill()
    payload = DueRecordSerializer(due_records(on), many=True).data
    if args.notify:
        retention_notify(on)
    lines = [
        f"{p['due_date']}  {p['reference']:<24} {p['schedule'] or '-':<16} {p['title']}"
        for p in payload
    ]
    emit(args, payload, "\n".join(lines) or f"nothing is due on {on}")
    return 0


def cmd_hold_place(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from records_dms.archive.models import Customer, Volume
    from retention.services.holds import hold_place

    customer = volume = None
    if args.customer:
        customer = Customer.objects.filter(code=args.customer.upper()).first()
        if customer is None:
            raise RetentionCommandError(f"no customer {args.customer!r}")
    if args.volume:
        volume = Volume.objects.filter(pk=args.volume).first()
        if volume is None:
            raise RetentionCommandError(f"no volume {args.volume}")
    records = _records(args.references)
    hold = _run(
        lambda: hold_place(
            actor=actor,
            reason=args.reason,
            records=records,
            volume=volume,
            customer=customer,
            query=args.query or "",
        )
    )
    payload = HoldSerializer(hold, context={"user": actor}).data
    emit(args, payload, f"hold #{hold.pk} placed on {len(payload['records'])} records")
    return 0


def cmd_hold_lift(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from retention.models import LegalHold
    from retention.services.holds import hold_lift

    found = LegalHold.objects.filter(pk=args.id).first()
    if found is None:
        raise RetentionCommandError(f"no hold {args.id}")
    hold = _run(lambda: hold_lift(hold=found, actor=actor, reason=args.reason or ""))
    emit(args, HoldSerializer(hold, context={"user": actor}).data, f"hold #{hold.pk} lifted")
    return 0


def _request(number: str) -> Any:
    from retention.models import DestructionRequest

    query = DestructionRequest.objects.select_related("proposed_by")
    request = (query.filter(pk=int(number)).first() if number.isdigit() else None) or query.filter(
        number=number
    ).first()
    if request is None:
        raise RetentionCommandError(f"no destruction request {number}")
    return request


def _witness(value: str) -> Any:
    """``NAME[/DEPARTMENT]=PNG``: a user name (that user) or a person's name, and the PNG of
    the hand signature."""
    from pathlib import Path

    from retention.services.witnesses import WitnessSignature, user_by_username

    who, equals, path = value.rpartition("=")
    if not equals or not who.strip() or not path:
        raise RetentionCommandError(f"--witness {value}: give NAME=PNG (or NAME/DEPARTMENT=PNG)")
    name, _slash, unit = who.partition("/")
    try:
        png = Path(path).read_bytes()
    except OSError as error:
        raise RetentionCommandError(f"--witness {value}: {path}: {error.strerror}") from error
    user = user_by_username(name.strip())
    return WitnessSignature(png=png, name=name.strip(), user=user, unit=unit.strip())


def cmd_destruction(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from retention.services import destruction

    step = args.step
    if step == "propose":
        records = _records(args.references)
        request = _run(
            lambda: destruction.destruction_request_propose(
                records=records, actor=actor, reason=args.reason or ""
            )
        )
    else:
        request = _request(args.id)
        if step == "approve":
            request = _run(
                lambda: destruction.destruction_request_approve(request=request, actor=actor)
            )
        elif step == "reject":
            request = _run(
                lambda: destruction.destruction_request_reject(
                    request=request, actor=actor, reason=args.reason or ""
                )
            )
        elif step == "execute":
            witnesses = [_witness(value) for value in args.witness or []]
            request = _run(
                lambda: destruction.destruction_request_execute(
                    request=request,
                    actor=actor,
                    witnesses=witnesses,
                    paper_method=args.paper_method,
                )
            )
    payload = DestructionRequestSerializer(request).data
    text = f"{payload['number']} (id {payload['id']}): {payload['state']}" + (
        f", certificate {payload['certificate']}" if payload["certificate"] else ""
    )
    emit(args, payload, text)
    return 0


def _customer(code: str) -> Any:
    from records_dms.archive.models import Customer

    customer = Customer.objects.filter(code=code.strip().upper()).first()
    if customer is None:
        raise RetentionCommandError(f"no customer {code!r}")
    return customer


def cmd_seal(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from retention.services.sealing import dossier_seal, dossier_unseal

    customer = _customer(args.code)
    step = dossier_seal if args.retention_handler == "retention:seal" else dossier_unseal
    _run(lambda: step(customer=customer, reason=args.reason, actor=actor))
    customer.refresh_from_db()
    state = "sealed" if customer.sealed else "unsealed"
    emit(args, SealedDossierSerializer(customer).data, f"dossier {customer.code} {state}")
    return 0


def _deletion_request(number: str) -> Any:
    from retention.models import DeletionRequest

    query = DeletionRequest.objects.select_related("customer", "registered_by", "destruction")
    found = (query.filter(pk=int(number)).first() if number.isdigit() else None) or query.filter(
        number=number.upper()
    ).first()
    if found is None:
        raise RetentionCommandError(f"no deletion request {number}")
    return found


def cmd_deletion_request(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    from pathlib import Path

    from retention.models import DeletionRequest
    from retention.services import deletion

    step = args.step
    if step == "list":
        listed = DeletionRequestSerializer(DeletionRequest.objects.all(), many=True).data
        lines = [
            f"{p['number']:<14} {p['customer']:<12} {p['received_on']}  {p['state']}"
            for p in listed
        ]
        emit(args, listed, "\n".join(lines) or "no deletion requests")
        return 0
    if step == "register":
        customer = _customer(args.code)
        request = _run(
            lambda: deletion.deletion_request_register(
                customer=customer,
                received_on=args.received,
                requester=args.requester,
                notes=args.notes or "",
                actor=actor,
            )
        )
    else:
        request = _deletion_request(args.id)
        if step == "answer":
            request = _run(lambda: deletion.deletion_request_answer(request=request, actor=actor))
    if getattr(args, "letter", None):
        letter = _run(lambda: deletion.deletion_letter_read(deletion=request, actor=actor))
        Path(args.letter).write_bytes(letter)
    payload = DeletionRequestSerializer(request).data
    kept = sum(1 for r in payload["records"] if r["decision"] == "keep")
    text = f"{payload['number']} (id {payload['id']}) {payload['customer']}: {payload['state']}"
    if payload["state"] == "answered":
        text += f", {kept} kept and sealed, destruction {payload['destruction'] or '-'}"
    emit(args, payload, text)
    return 0


def add_retention_commands(
    commands: Any, add: Callable[..., argparse.ArgumentParser], handler: Callable[..., int]
) -> None:
    """Register the subcommands; ``add`` is the CLI's helper (adds --as and --json), and
    ``handler`` its entry point that calls ``retention_dispatch``."""

    def sub(name: str, key: str, help_text: str, parent: Any) -> argparse.ArgumentParser:
        parser = add(name, handler, help_text, parent, json_flag=True)
        parser.set_defaults(retention_handler=key)
        return parser

    retention = commands.add_parser("retention", help="retention schedules and due dates")
    retention_commands = retention.add_subparsers(dest="subcommand", required=True)
    due = sub("due", "retention:due", "records due for review", retention_commands)
    due.add_argument("--on", type=iso_date, help="the day (YYYY-MM-DD); default today")
    due.add_argument("--notify", action="store_true", help="e-mail the clerks (once a day)")
    for name, help_text in (("seal", "seal a dossier"), ("unseal", "unseal a dossier")):
        sealing = sub(name, f"retention:{name}", help_text, retention_commands)
        sealing.add_argument("code", metavar="CODE", help="the customer code")
        sealing.add_argument("--reason", required=True)
    deletion = retention_commands.add_parser(
        "deletion-request", help="a customer's request for deletion"
    )
    deletion_steps = deletion.add_subparsers(dest="step", required=True)
    register = sub("register", "deletion", "register a deletion request", deletion_steps)
    register.add_argument("code", metavar="CODE", help="the customer code")
    register.add_argument("--received", type=iso_date, required=True, help="YYYY-MM-DD")
    register.add_argument("--requester", required=True, help="who asked")
    register.add_argument("--notes")
    sub("list", "deletion", "list deletion requests", deletion_steps)
    for name, help_text in (
        ("answer", "destroy what no obligation covers, seal the rest, write the letter"),
        ("show", "show a deletion request"),
    ):
        step_parser = sub(name, "deletion", help_text, deletion_steps)
        step_parser.add_argument("id", help="the request's id or number (SC-…)")
        step_parser.add_argument("--letter", metavar="PATH", help="write the answer letter here")

    hold = commands.add_parser("hold", help="legal holds")
    hold_commands = hold.add_subparsers(dest="subcommand", required=True)
    place = sub("place", "hold:place", "place a legal hold", hold_commands)
    place.add_argument("references", nargs="*", metavar="REFERENCE")
    place.add_argument("--reason", required=True)
    place.add_argument("--customer", metavar="CODE", help="hold a whole dossier")
    place.add_argument("--volume", type=int, metavar="ID", help="hold a volume")
    place.add_argument("--query", help="hold what this search finds")
    lift = sub("lift", "hold:lift", "lift a legal hold", hold_commands)
    lift.add_argument("id", type=int)
    lift.add_argument("--reason")

    destruction = commands.add_parser("destruction", help="the destruction workflow")
    steps = destruction.add_subparsers(dest="step", required=True)
    propose = sub("propose", "destruction", "propose records", steps)
    propose.add_argument("references", nargs="+", metavar="REFERENCE")
    propose.add_argument("--reason")
    for name, help_text in (
        ("approve", "approve a list"),
        ("reject", "reject a list"),
        ("execute", "destroy what an approved list names"),
        ("show", "show a request"),
    ):
        sub_parser = sub(name, "destruction", help_text, steps)
        sub_parser.add_argument("id", help="the request's id or number (XH-…)")
        if name == "reject":
            sub_parser.add_argument("--reason", required=True)
        if name == "execute":
            sub_parser.add_argument(
                "--witness",
                action="append",
                metavar="NAME=PNG",
                help="a witness (监销人) and the PNG of their hand signature, at least twice; "
                "NAME is a user name or a person's name (NAME/DEPARTMENT=PNG)",
            )
            sub_parser.add_argument("--paper-method", default="shredding")


HANDLERS: dict[str, Callable[[argparse.Namespace, Any, Emit], int]] = {
    "retention:due": cmd_retention_due,
    "retention:seal": cmd_seal,
    "retention:unseal": cmd_seal,
    "deletion": cmd_deletion_request,
    "hold:place": cmd_hold_place,
    "hold:lift": cmd_hold_lift,
    "destruction": cmd_destruction,
}


def retention_dispatch(args: argparse.Namespace, actor: Any, emit: Emit) -> int:
    return HANDLERS[args.retention_handler](args, actor, emit)


def cmd_retention(args: argparse.Namespace) -> int:
    try:
        return retention_dispatch(args, cli_actor(args), cli_emit)
    except RetentionCommandError as error:
        raise CommandError(str(error)) from error


def register(commands: Any, add: Add) -> None:
    add_retention_commands(commands, add, cmd_retention)
