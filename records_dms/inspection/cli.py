"""`dms inspect`: the four-property check of a dossier, named records, or the day's share."""

from __future__ import annotations

import argparse
from typing import Any

from records_dms.cli.base import EXIT_FAILURE, EXIT_OK, Add, CommandError, actor, emit


def _records(args: argparse.Namespace, user: Any) -> tuple[Any, list[Any]]:
    from records_dms.archive.models import Customer, Record, RecordState
    from records_dms.archive.selectors import visible_records

    records = (visible_records(user=user) if user is not None else Record.objects.all()).exclude(
        state=RecordState.DESTROYED
    )
    customer = None
    if args.customer:
        customer = Customer.objects.filter(code=args.customer).first()
        if customer is None:
            raise CommandError(f"no customer {args.customer!r}")
        records = records.filter(customer=customer)
    if args.references:
        records = records.filter(reference__in=args.references)
        missing = set(args.references) - set(records.values_list("reference", flat=True))
        if missing:
            raise CommandError(f"no such record: {', '.join(sorted(missing))}")
    return customer, list(records.select_related("customer").order_by("reference"))


def cmd_inspect(args: argparse.Namespace) -> int:
    from records_dms.accounts.policy import policy
    from records_dms.inspection.api.serializers import InspectionSerializer
    from records_dms.inspection.models import Occasion
    from records_dms.inspection.permissions import RUN_INSPECTION
    from records_dms.inspection.services import inspect

    user = actor(args)
    if user is not None and not policy.has(user, RUN_INSPECTION):
        raise CommandError(f"{user.get_username()} may not run the four-property check")
    customer, records = _records(args, user)
    if not records:
        raise CommandError("no record to check")
    occasion = args.occasion or (Occasion.MANUAL if user is not None else Occasion.SCHEDULE)
    inspection = inspect(records, occasion=occasion, actor=user, customer=customer)
    faults = list(inspection.results.filter(outcome="fail").select_related("record"))
    payload = InspectionSerializer(inspection, context={"faults": {inspection.pk: faults}}).data
    lines = [
        f"{r.record.reference if r.record else '(batch)'} {r.code}: {r.detail}" for r in faults
    ]
    summary = (
        f"four-property check #{inspection.pk}: {inspection.record_count} records, "
        f"{inspection.failed} faults in {inspection.faulty_records} records"
    )
    emit(args, payload, "\n".join([*lines, summary]))
    return EXIT_FAILURE if faults else EXIT_OK


def register(commands: Any, add: Add) -> None:
    inspect = add(
        "inspect",
        cmd_inspect,
        "four-property check (DA/T 70): authenticity, integrity, usability, security",
        json_flag=True,
    )
    inspect.add_argument("references", nargs="*", metavar="REFERENCE", help="only these records")
    inspect.add_argument("--customer", metavar="CODE", help="only this customer's dossier")
    inspect.add_argument(
        "--occasion",
        choices=["schedule", "manual", "transfer", "filing"],
        help="recorded with the check (default: manual with --as, else schedule)",
    )
