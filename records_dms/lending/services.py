"""Writes of lending. Each service runs in one transaction with its register entry and audit event.

The flow: request → approve (or refuse) → check out (the borrower signs) → return (the
receiving clerk signs and notes the condition). Loans past due are marked overdue by a daily
task; electronic copies simply stop being served.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import LEVEL_ORDER, Confidentiality
from records_dms.archive.models import Record, RecordState
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import User, counter_next, record_update
from records_dms.audit.services import audit_log
from records_dms.lending import events
from records_dms.lending.events import RegisterEvent
from records_dms.lending.models import (
    OUT_STATES,
    Condition,
    Incident,
    Loan,
    LoanItem,
    LoanKind,
    LoanState,
    Location,
    RegisterEntry,
    SignatureRole,
)
from records_dms.lending.permissions import LEND, REQUEST_LOAN, may_approve_loan
from records_dms.lending.register import register_append
from records_dms.lending.signatures import signature_store


def max_days(level: str) -> int:
    """The longest loan allowed for records of this confidentiality (a setting per level)."""
    return settings.LENDING.loan_max_days(str(level))


def level_of(records: Sequence[Record]) -> str:
    order = [str(level) for level in LEVEL_ORDER]
    return max((r.confidentiality for r in records), key=order.index, default="internal")


def items_data(loan: Loan) -> list[dict[str, Any]]:
    """The items as the register keeps them (reference, kind, title and, once back, condition)."""
    rows = []
    for item in loan.items.select_related("record").order_by("id"):
        row = {"reference": item.record.reference, "kind": item.kind, "title": item.record.title}
        if item.condition:
            row["condition"] = item.condition
        rows.append(row)
    return rows


def _customer_code(loan: Loan) -> str:
    codes = {item.record.customer.code for item in loan.items.select_related("record__customer")}
    return codes.pop() if len(codes) == 1 else ""


def _log(action: str, loan: Loan, actor: User, **data: Any) -> None:
    audit_log(
        action=action,
        actor=actor,
        obj=loan,
        customer_code=_customer_code(loan),
        purpose=loan.purpose,
        data={"number": loan.number, **data},
    )


def _locked(loan: Loan) -> Loan:
    locked: Loan = Loan.objects.select_for_update().select_related("borrower").get(pk=loan.pk)
    return locked


def loan_request(
    *,
    actor: User,
    items: Sequence[tuple[Record, str]],
    purpose: str,
    due_on: datetime.date | None = None,
    borrower: Any = None,
) -> Loan:
    """Ask to borrow records: each (record, kind) with kind ``paper`` or ``electronic``.

    The due date may be at most the loan period of the most confidential item away; it
    defaults to that. Staff ask for themselves; a clerk may ask on someone's behalf.
    """
    policy.require(actor, REQUEST_LOAN)
    borrower = borrower or actor
    if borrower != actor:
        policy.require(actor, LEND)
    if not policy.has(borrower, REQUEST_LOAN):
        raise ValidationError(_("%(user)s may not borrow records.") % {"user": borrower})
    if not items:
        raise ValidationError(_("Name at least one record to borrow."))
    if not purpose.strip():
        raise ValidationError(_("Say what the loan is for."))
    records = [record for record, _kind in items]
    if len({r.pk for r in records}) != len(records):
        raise ValidationError(_("A record is named twice."))
    visible = set(
        visible_records(user=borrower)
        .filter(pk__in=[r.pk for r in records])
        .values_list("pk", flat=True)
    )
    for record, kind in items:
        if kind not in LoanKind.values:
            raise ValidationError(_("Unknown kind of loan: %(kind)s") % {"kind": kind})
        if record.pk not in visible:
            raise ValidationError(
                _("%(user)s may not see %(reference)s.")
                % {"user": borrower, "reference": record.reference}
            )
        if record.state == RecordState.DESTROYED:
            raise ValidationError(
                _("%(reference)s is destroyed.") % {"reference": record.reference}
            )
        if kind == LoanKind.ELECTRONIC and not (record.original_key or record.page_count):
            raise ValidationError(
                _("%(reference)s has no electronic copy.") % {"reference": record.reference}
            )
    level = level_of(records)
    today = timezone.localdate()
    latest = today + datetime.timedelta(days=max_days(level))
    due_on = due_on or latest
    if due_on < today:
        raise ValidationError(_("The due date lies in the past."))
    if due_on > latest:
        raise ValidationError(
            _("%(level)s records may be borrowed for at most %(days)d days (until %(date)s).")
            % {
                "level": Confidentiality(level).label,
                "days": max_days(level),
                "date": latest.isoformat(),
            }
        )
    with transaction.atomic():
        number = f"LN-{today.year}-{counter_next(f'loan:{today.year}'):04d}"
        loan = Loan.objects.create(
            number=number,
            borrower=borrower,
            purpose=purpose.strip()[:255],
            due_on=due_on,
            level=level,
        )
        LoanItem.objects.bulk_create(LoanItem(loan=loan, record=r, kind=k) for r, k in items)
        register_append(
            event=RegisterEvent.REQUESTED,
            actor=actor,
            loan=loan,
            data={
                "number": number,
                "borrower": borrower.get_username(),
                "purpose": loan.purpose,
                "due_on": due_on.isoformat(),
                "level": level,
                "items": items_data(loan),
            },
        )
        _log(events.LOAN_REQUESTED, loan, actor, due_on=due_on.isoformat(), items=items_data(loan))
    return loan


def _decide(loan: Loan, actor: User) -> tuple[Loan, AuthUser]:
    loan = _locked(loan)
    if loan.state != LoanState.REQUESTED:
        raise ValidationError(
            _("Loan %(number)s is not waiting for approval.") % {"number": loan.number}
        )
    if not isinstance(actor, AuthUser) or not may_approve_loan(actor, loan.level):
        raise PermissionDenied(_("You may not decide on this loan."))
    if loan.borrower_id == actor.pk:
        raise ValidationError(_("Nobody approves their own loan."))
    item_ids = list(loan.items.values_list("record_id", flat=True))
    if visible_records(user=actor).filter(pk__in=item_ids).count() != len(item_ids):
        raise PermissionDenied(_("You may not decide on this loan."))
    return loan, actor


def loan_approve(*, loan: Loan, actor: User, note: str = "") -> Loan:
    """Approve: a clerk for internal records, a compliance officer for confidential and secret."""
    with transaction.atomic():
        loan, person = _decide(loan, actor)
        if loan.due_on < timezone.localdate():
            raise ValidationError(_("The due date has passed; the loan must be asked for again."))
        loan.state, loan.decided_by, loan.decided_at = LoanState.APPROVED, person, timezone.now()
        loan.decision_note = note.strip()[:255]
        loan.save()
        register_append(
            event=RegisterEvent.APPROVED,
            actor=actor,
            loan=loan,
            data={"number": loan.number, "note": loan.decision_note},
        )
        _log(events.LOAN_APPROVED, loan, actor, note=loan.decision_note)
    return loan


def loan_refuse(*, loan: Loan, actor: User, reason: str) -> Loan:
    if not reason.strip():
        raise ValidationError(_("Say why the loan is refused."))
    with transaction.atomic():
        loan, person = _decide(loan, actor)
        loan.state, loan.decided_by, loan.decided_at = LoanState.REFUSED, person, timezone.now()
        loan.decision_note = reason.strip()[:255]
        loan.save()
        register_append(
            event=RegisterEvent.REFUSED,
            actor=actor,
            loan=loan,
            data={"number": loan.number, "reason": loan.decision_note},
        )
        _log(events.LOAN_REFUSED, loan, actor, reason=loan.decision_note)
    return loan


def _take_out(item: LoanItem) -> None:
    """Mark one item out; the database refuses a paper original that is out already."""
    item.out = True
    try:
        with transaction.atomic():
            item.save(update_fields=["out"])
    except IntegrityError as error:
        raise ValidationError(
            _("The paper original of %(reference)s is already on loan.")
            % {"reference": item.record.reference}
        ) from error


def loan_check_out(*, loan: Loan, actor: User, signature: bytes) -> Loan:
    """Hand the items over: the borrower signs (PNG), the clerk confirms."""
    clerk = policy.require(actor, LEND)
    with transaction.atomic():
        loan = _locked(loan)
        if loan.state != LoanState.APPROVED:
            raise ValidationError(_("Loan %(number)s is not approved.") % {"number": loan.number})
        if loan.due_on < timezone.localdate():
            raise ValidationError(_("The due date has passed; the loan must be asked for again."))
        items = list(loan.items.select_related("record"))
        lost = set(
            Incident.objects.filter(
                record__in=[i.record for i in items if i.kind == LoanKind.PAPER],
                kind=Condition.LOST,
            ).values_list("record__reference", flat=True)
        )
        if lost:
            raise ValidationError(
                _("The paper original of %(reference)s is reported lost.")
                % {"reference": ", ".join(sorted(lost))}
            )
        for item in items:
            if item.record.state == RecordState.DESTROYED:
                raise ValidationError(
                    _("%(reference)s is destroyed.") % {"reference": item.record.reference}
                )
            _take_out(item)
        signed = signature_store(png=signature, signer=loan.borrower, role=SignatureRole.BORROWER)
        loan.state, loan.checked_out_by, loan.checked_out_at = (
            LoanState.CHECKED_OUT,
            clerk,
            timezone.now(),
        )
        loan.save()
        register_append(
            event=RegisterEvent.CHECKED_OUT,
            actor=actor,
            loan=loan,
            signatures=[signed],
            data={
                "number": loan.number,
                "borrower": loan.borrower.get_username(),
                "due_on": loan.due_on.isoformat(),
                "items": items_data(loan),
            },
        )
        _log(events.LOAN_CHECKED_OUT, loan, actor, signature_sha256=signed.sha256)
    return loan


def loan_return(
    *,
    loan: Loan,
    actor: User,
    signature: bytes | None,
    conditions: Mapping[int, str] | None = None,
    note: str = "",
) -> Loan:
    """Take the items back: the receiving clerk signs and notes each paper item's condition.

    ``conditions`` maps item id → condition (default complete). Damaged items, missing pages
    and lost items open an incident on the record; a lost item gets its own register entry.
    """
    clerk = policy.require(actor, LEND)
    conditions = conditions or {}
    with transaction.atomic():
        loan = _locked(loan)
        if loan.state not in OUT_STATES:
            raise ValidationError(_("Loan %(number)s is not out.") % {"number": loan.number})
        items = list(loan.items.select_related("record"))
        has_paper = any(item.kind == LoanKind.PAPER for item in items)
        signed = None
        if signature is not None or has_paper:
            if signature is None:
                raise ValidationError(_("The receiver signs for returned paper originals."))
            signed = signature_store(png=signature, signer=clerk, role=SignatureRole.RECEIVER)
        now = timezone.now()
        lost: list[LoanItem] = []
        for item in items:
            condition = Condition.COMPLETE
            if item.kind == LoanKind.PAPER:
                condition = Condition(conditions.get(item.pk, Condition.COMPLETE))
            item.out, item.condition, item.returned_at = False, condition, now
            item.save(update_fields=["out", "condition", "returned_at"])
            if condition != Condition.COMPLETE:
                Incident.objects.create(
                    record=item.record, item=item, kind=condition, note=note, opened_by=clerk
                )
            if condition == Condition.LOST:
                lost.append(item)
        loan.state, loan.received_by, loan.returned_at = LoanState.RETURNED, clerk, now
        loan.save()
        register_append(
            event=RegisterEvent.RETURNED,
            actor=actor,
            loan=loan,
            signatures=[signed] if signed else [],
            data={"number": loan.number, "items": items_data(loan), "note": note},
        )
        for item in lost:
            register_append(
                event=RegisterEvent.LOST,
                actor=actor,
                loan=loan,
                data={"number": loan.number, "reference": item.record.reference, "note": note},
            )
        _log(
            events.LOAN_RETURNED,
            loan,
            actor,
            conditions={i.record.reference: i.condition for i in items},
        )
    return loan


def location_set(
    *,
    record: Record,
    actor: User,
    room: str = "",
    cabinet: str = "",
    shelf: str = "",
    box: str = "",
) -> Location:
    """Record where the paper original is kept; the record's location text follows (versioned)."""
    policy.require(actor, LEND)
    with transaction.atomic():
        location, _created = Location.objects.update_or_create(
            record=record,
            defaults={
                "room": room.strip(),
                "cabinet": cabinet.strip(),
                "shelf": shelf.strip(),
                "box": box.strip(),
            },
        )
        record_update(
            record=record,
            actor=actor,
            reason=_("physical location"),
            physical_location=str(location)[:200],
        )
    return location


def reading_register(*, record: Record, reader: Any, purpose: str, actor: User) -> RegisterEntry:
    """Register reading in the room (查阅) without taking the item out: purpose, time, person."""
    policy.require(actor, LEND)
    if not purpose.strip():
        raise ValidationError(_("Say what the loan is for."))
    if not visible_records(user=reader).filter(pk=record.pk).exists():
        raise ValidationError(
            _("%(user)s may not see %(reference)s.")
            % {"user": reader, "reference": record.reference}
        )
    with transaction.atomic():
        entry = register_append(
            event=RegisterEvent.READING,
            actor=actor,
            data={
                "reader": reader.get_username(),
                "reference": record.reference,
                "purpose": purpose.strip(),
            },
        )
        audit_log(
            action=events.READING_REGISTERED,
            actor=actor,
            obj=record,
            customer_code=record.customer.code,
            purpose=purpose.strip(),
            data={"reference": record.reference, "reader": reader.get_username()},
        )
    return entry
