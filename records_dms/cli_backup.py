"""`dms backup DIR` and `dms restore DIR` (see records_dms/backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _summary_text(verb: str, summary: Any) -> str:
    return (
        f"{verb} {summary.path}: {summary.objects} database objects, "
        f"{summary.files} files ({summary.bytes} bytes)"
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from .backup import BackupError, backup_write
    from .cli import EXIT_OK, CommandError, _actor, _emit

    try:
        summary = backup_write(Path(args.dir), actor=_actor(args))
    except BackupError as error:
        raise CommandError(str(error)) from error
    _emit(args, summary.as_dict(), _summary_text("backed up to", summary))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from .backup import BackupError, backup_restore
    from .cli import EXIT_OK, CommandError, _emit

    if not Path(args.dir).is_dir():
        raise CommandError(f"{args.dir}: no such folder")
    call_command("migrate", interactive=False, verbosity=0)
    try:
        summary = backup_restore(Path(args.dir))
    except BackupError as error:
        raise CommandError(str(error)) from error
    _emit(args, summary.as_dict(), _summary_text("restored from", summary))
    return EXIT_OK


def add_backup_commands(add: Any) -> None:
    backup = add("backup", cmd_backup, "write the whole archive as a BagIt bag", json_flag=True)
    backup.add_argument("dir", help="a new or empty folder")
    restore = add("restore", cmd_restore, "load a backup into an empty deployment", json_flag=True)
    restore.add_argument("dir", help="a folder written by dms backup")
