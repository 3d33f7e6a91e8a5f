"""What every `dms` command shares: exit codes, the one-line error, output, the acting user.

Each app's ``cli.py`` defines ``register(commands, add)`` and imports only this module of the
CLI package, so commands never import each other (records_dms/cli/main.py discovers them).
"""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any, Protocol

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A failure to report in one line and exit 1."""


class Add(Protocol):
    """Adds a subcommand with the shared ``--as`` (and, if asked, ``--json``) options."""

    def __call__(
        self,
        name: str,
        handler: Handler,
        help_text: str,
        parent: Any = ...,
        json_flag: bool = ...,
    ) -> argparse.ArgumentParser: ...


def emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    """Print ``payload`` as JSON when ``--json`` was given, else ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def actor(args: argparse.Namespace) -> Any:
    """The user named by --as, or None (the operator, recorded by OS user name)."""
    from django.contrib.auth import get_user_model

    username = getattr(args, "as_user", None)
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user named {username!r}")
    return user


def operator_name() -> str:
    return f"cli:{getpass.getuser()}"


def iso_date(value: str) -> datetime.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from error


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
