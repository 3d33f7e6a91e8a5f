"""Custody of paper originals: handover (移交) with both signatures, and the "hand back
everything before leaving" rule that keeps a user with open loans or custody active."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, RecordState
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from records_dms.lending import events
from records_dms.lending.events import USER_DEACTIVATED, RegisterEvent
from records_dms.lending.models import (
    Custody,
    HandSignature,
    Incident,
    Loan,
    LoanItem,
    SignatureRole,
)
from records_dms.lending.permissions import LEND
from records_dms.lending.register import register_append
from records_dms.lending.selectors import custody_of, loans_open_of
from records_dms.lending.signatures import signature_store


def custody_hand_over(
    *,
    records: Sequence[Record],
    to_user: Any,
    actor: User,
    from_signature: bytes,
    to_signature: bytes,
    department: str = "",
    from_user: Any = None,
    from_department: str = "",
) -> list[Custody]:
    """Pass paper originals from ``from_user`` (default: the acting clerk) to ``to_user``.

    Both sign. A clerk records it; an original nobody holds yet is in the archive, so only a
    clerk hands it over. ``department`` is the taking department, ``from_department`` the
    giving one (default: the department the originals were last handed to).
    """
    clerk = policy.require(actor, LEND)
    giver = from_user if from_user is not None else clerk
    if not records:
        raise ValidationError(_("Name at least one record to hand over."))
    if len({record.pk for record in records}) != len(records):
        raise ValidationError(_("A record is named twice."))
    if not giver.is_active:
        raise ValidationError(_("%(user)s is not active.") % {"user": giver.get_username()})
    if to_user is None or not to_user.is_active or to_user.pk == giver.pk:
        raise ValidationError(_("Hand over to another active user."))
    visible = set(
        visible_records(user=to_user)
        .filter(pk__in=[record.pk for record in records])
        .values_list("pk", flat=True)
    )
    for record in records:
        if record.state == RecordState.DESTROYED:
            raise ValidationError(
                _("%(reference)s is destroyed.") % {"reference": record.reference}
            )
        if record.pk not in visible:
            raise ValidationError(
                _("%(user)s may not see %(reference)s.")
                % {"user": to_user.get_username(), "reference": record.reference}
            )
    with transaction.atomic():
        held = {
            c.record_id: c for c in Custody.objects.select_for_update().filter(record__in=records)
        }
        out = set(
            LoanItem.objects.filter(record__in=records, kind="paper", out=True).values_list(
                "record__reference", flat=True
            )
        )
        giver_is_clerk = policy.has(giver, LEND)
        departments = set()
        for record in records:
            custody = held.get(record.pk)
            if custody is not None and custody.holder_id != giver.pk:
                raise ValidationError(
                    _("%(reference)s is in the custody of %(user)s.")
                    % {"reference": record.reference, "user": custody.holder}
                )
            if custody is None and not giver_is_clerk:
                raise ValidationError(
                    _("%(reference)s is kept in the archive: a records clerk hands it over.")
                    % {"reference": record.reference}
                )
            if custody is not None and custody.department:
                departments.add(custody.department)
            if record.reference in out:
                raise ValidationError(
                    _("The paper original of %(reference)s is already on loan.")
                    % {"reference": record.reference}
                )
        from_department = from_department.strip() or (
            departments.pop() if len(departments) == 1 else ""
        )
        signed = [
            signature_store(png=from_signature, signer=giver, role=SignatureRole.HANDOVER_FROM),
            signature_store(png=to_signature, signer=to_user, role=SignatureRole.HANDOVER_TO),
        ]
        now = timezone.now()
        rows = [
            Custody.objects.update_or_create(
                record=record,
                defaults={"holder": to_user, "department": department.strip(), "since": now},
            )[0]
            for record in records
        ]
        references = [record.reference for record in records]
        data = {
            "from": giver.get_username(),
            "to": to_user.get_username(),
            "references": references,
            "department": department.strip(),
        }
        if from_department:
            data["from_department"] = from_department
        register_append(event=RegisterEvent.HANDOVER, actor=clerk, signatures=signed, data=data)
        audit_log(action=events.CUSTODY_HANDED_OVER, actor=clerk, data=data)
    return rows


def offboarding_blockers(user: Any) -> list[str]:
    """What a user must hand back or hand over before leaving (empty: nothing)."""
    reasons = [
        _("loan %(number)s (due %(date)s) is not returned")
        % {"number": loan.number, "date": loan.due_on.isoformat()}
        for loan in loans_open_of(user)
    ]
    reasons += [
        _("%(reference)s is in their custody") % {"reference": custody.record.reference}
        for custody in custody_of(user)
    ]
    return reasons


def kept_by_register(user: Any) -> bool:
    """Whether loans, signatures, incidents or custody name ``user``: the register keeps who
    they were, so the account may be deactivated but not deleted."""
    people = Q(borrower=user) | Q(decided_by=user) | Q(checked_out_by=user) | Q(received_by=user)
    return (
        Loan.objects.filter(people).exists()
        or HandSignature.objects.filter(signer=user).exists()
        or Incident.objects.filter(opened_by=user).exists()
        or Custody.objects.filter(holder=user).exists()
    )


def user_deactivate(*, user: Any, actor: User) -> None:
    """Deactivate a user who has handed everything back; say what is outstanding otherwise."""
    blockers = offboarding_blockers(user)
    if blockers:
        raise ValidationError(
            _("%(user)s cannot be deactivated: %(reasons)s.")
            % {"user": user.get_username(), "reasons": "; ".join(blockers)}
        )
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_log(
            action=USER_DEACTIVATED, actor=actor, obj=user, data={"user": user.get_username()}
        )
