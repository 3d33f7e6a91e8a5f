"""`dms verify`, `dms backup DIR` and `dms restore DIR`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from records_dms.cli.base import EXIT_FAILURE, EXIT_OK, Add, CommandError, actor, emit


def _summary_text(verb: str, summary: Any) -> str:
    return (
        f"{verb} {summary.path}: {summary.objects} database objects, "
        f"{summary.files} files ({summary.bytes} bytes)"
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from records_dms.fixity.backup import BackupError, backup_write

    try:
        summary = backup_write(Path(args.dir), actor=actor(args))
    except BackupError as error:
        raise CommandError(str(error)) from error
    emit(args, summary.as_dict(), _summary_text("backed up to", summary))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from records_dms.fixity.backup import BackupError, backup_restore

    if not Path(args.dir).is_dir():
        raise CommandError(f"{args.dir}: no such folder")
    call_command("migrate", interactive=False, verbosity=0)
    try:
        summary = backup_restore(Path(args.dir))
    except BackupError as error:
        raise CommandError(str(error)) from error
    emit(args, summary.as_dict(), _summary_text("restored from", summary))
    return EXIT_OK


def _checkpoints(paths: list[str]) -> list[Any]:
    """The checkpoint lines of each file (a backup's chain-checkpoints.log, or lines kept
    from the daily e-mail)."""
    from records_dms.common.checkpoints import checkpoints_read

    found = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        for number, item in enumerate(checkpoints_read(path), start=1):
            if isinstance(item, ValueError):
                raise CommandError(f"{name}: checkpoint {number} is damaged")
            found.append(item)
        if not found:
            raise CommandError(f"{name}: no checkpoint in it")
    return found


def cmd_verify(args: argparse.Namespace) -> int:
    from records_dms.fixity.verify import Finding, verify_all

    if args.fixity:  # only the stored originals, every one, recorded and alerted
        from records_dms.fixity.services import fixity_run_all

        checked, problems = fixity_run_all()
        findings = [Finding("fixity", p.reference, p.problem) for p in problems]
        counts = {"originals": checked}
    else:
        findings, counts = verify_all(_checkpoints(args.checkpoint or []))
    payload = {
        "ok": not findings,
        "counts": counts,
        "findings": [finding.as_dict() for finding in findings],
    }
    lines = [f"{f.check}: {f.subject}: {f.problem}" for f in findings]
    summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
    text = "\n".join(lines) if lines else f"verified: {summary}, no problems found"
    emit(args, payload, text)
    return EXIT_FAILURE if findings else EXIT_OK


def register(commands: Any, add: Add) -> None:
    verify = add(
        "verify", cmd_verify, "check the chains, sealed rows and stored originals", json_flag=True
    )
    verify.add_argument(
        "--fixity",
        action="store_true",
        help="re-hash every stored original now; audit and e-mail what is damaged or missing",
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        metavar="FILE",
        help="also check the chain checkpoints in FILE (a backup's chain-checkpoints.log, or "
        "lines kept from the daily e-mail); may be given more than once",
    )
    backup = add("backup", cmd_backup, "write the whole archive as a BagIt bag", json_flag=True)
    backup.add_argument("dir", help="a new or empty folder")
    restore = add("restore", cmd_restore, "load a backup into an empty deployment", json_flag=True)
    restore.add_argument("dir", help="a folder written by dms backup")
