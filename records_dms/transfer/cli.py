"""`dms transfer export` and `dms transfer import`: 移交 as DA/T 48 packages, and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from records_dms.cli.base import EXIT_OK, Add, CommandError, actor, emit


def _entry(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "number": entry.number,
        "direction": entry.direction,
        "by": entry.actor_name,
        "at": entry.occurred_at.isoformat(),
        "scope": entry.scope,
        "path": entry.path,
        "digest": entry.digest,
        "packages": entry.packages,
        "records": entry.records,
        "pages": entry.pages,
        "bytes": entry.bytes,
        "signer_key": entry.signer_key,
    }


def _run(step: Any) -> Any:
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        return step()
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    except PermissionDenied as error:
        raise CommandError(str(error) or "not allowed") from error


def _text(verb: str, entry: Any) -> str:
    return (
        f"{verb} {entry.number}: {entry.packages} packages, {entry.records} records, "
        f"{entry.pages} pages, {entry.bytes} bytes of originals; 移交清单 SHA-256 {entry.digest}"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from records_dms.transfer.services import Scope, transfer_export

    scope = Scope(customer_code=args.customer, year=args.year)
    who = actor(args)
    entry = _run(
        lambda: transfer_export(actor=who, target=Path(args.out), scope=scope, unit=args.unit)
    )
    emit(args, _entry(entry), _text(f"transferred into {args.out} as", entry))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from records_dms.transfer.receive import transfer_import

    if not Path(args.source).is_dir():
        raise CommandError(f"{args.source}: no such folder")
    who = actor(args)
    entry = _run(
        lambda: transfer_import(actor=who, source=Path(args.source), trust=args.trust_key or [])
    )
    emit(args, _entry(entry), _text("received", entry))
    return EXIT_OK


def cmd_key(args: argparse.Namespace) -> int:
    from records_dms.common.signing import public_key_hex

    emit(args, {"public_key": public_key_hex()}, public_key_hex())
    return EXIT_OK


def register(commands: Any, add: Add) -> None:
    transfer = commands.add_parser("transfer", help="移交: transfer packages (DA/T 48) out and in")
    sub = transfer.add_subparsers(dest="subcommand", required=True)
    export = add(
        "export",
        cmd_export,
        "write one signed EEP package per record, a 移交清单 (XML, PDF) and a register entry",
        parent=sub,
        json_flag=True,
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--customer", metavar="CODE", help="one customer's dossier")
    which.add_argument("--year", type=int, metavar="Y", help="every record dated in year Y")
    export.add_argument("--unit", default="records-dms", help="the 移交单位 named in packages")
    export.add_argument("out", help="a new or empty folder")
    receive = add(
        "import",
        cmd_import,
        "check and receive a transfer folder whole (nothing is stored if anything is wrong)",
        parent=sub,
        json_flag=True,
    )
    receive.add_argument("source", help="a folder written by dms transfer export")
    receive.add_argument(
        "--trust-key",
        action="append",
        metavar="HEX",
        help="the sender's Ed25519 public key (its `dms transfer key`); may be repeated",
    )
    add(
        "key",
        cmd_key,
        "print this archive's public key, for the receiver's --trust-key",
        parent=sub,
        json_flag=True,
    )
