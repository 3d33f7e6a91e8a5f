"""`dms grant add`: staff access to one customer's dossier."""

from __future__ import annotations

import argparse
from typing import Any

from records_dms.accounts.permissions import MANAGE_GRANTS
from records_dms.cli.base import EXIT_OK, Add, CommandError, actor, emit


def cmd_grant_add(args: argparse.Namespace) -> int:
    """Give a staff member access to one customer's dossier (clerks and administrators)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from records_dms.accounts.policy import policy
    from records_dms.accounts.services import grant_create

    who = actor(args)
    if who is not None and not policy.has(who, MANAGE_GRANTS):
        raise CommandError(f"{who.get_username()} may not grant access")
    user = get_user_model().objects.filter(username=args.username).first()
    customer = apps.get_model("archive", "Customer").objects.filter(code=args.code.upper()).first()
    if user is None or customer is None:
        raise CommandError(
            f"no user {args.username!r}" if user is None else f"no customer {args.code!r}"
        )
    grant = grant_create(user=user, customer=customer, actor=who)
    payload = {"id": grant.pk, "user": user.get_username(), "customer": customer.code}
    emit(args, payload, f"granted {user.get_username()} access to {customer}")
    return EXIT_OK


def register(commands: Any, add: Add) -> None:
    grant = commands.add_parser("grant", help="staff access to customers")
    grant_commands = grant.add_subparsers(dest="subcommand", required=True)
    grant_add = add(
        "add",
        cmd_grant_add,
        "grant a user access to a customer's dossier",
        grant_commands,
        json_flag=True,
    )
    grant_add.add_argument("username")
    grant_add.add_argument("code")
