"""Custody of paper originals: handover (移交) with both signatures, and the "hand back
everything before leaving" rule that keeps a user with open loans or custody active."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.roles import Action
from records_dms.archive.models import Record
from records_dms.archive.services import User
from records_dms.audit.services import audit_log

from . import events
from .events import RegisterEvent
from .models import Custody, LoanItem, SignatureRole
from .register import register_append
from .selectors import custody_of, loans_open_of
from .services import _require
from .signatures import signature_store

USER_DEACTIVATED = "user.deactivated"


def custody_hand_over(
    *,
    records: Sequence[Record],
    to_user: Any,
    actor: User,
    from_signature: bytes,
    to_signature: bytes,
    department: str = "",
) -> list[Custody]:
    """Pass the paper originals from the acting clerk to ``to_user``; both sign."""
    giver = _require(actor, Action.LEND)
    if not records:
        raise ValidationError(_("Name at least one record to hand over."))
    if to_user is None or not to_user.is_active or to_user.pk == giver.pk:
        raise ValidationError(_("Hand over to another active user."))
    with transaction.atomic():
        held = {
            c.record_id: c for c in Custody.objects.select_for_update().filter(record__in=records)
        }
        out = set(
            LoanItem.objects.filter(record__in=records, kind="paper", out=True).values_list(
                "record__reference", flat=True
            )
        )
        for record in records:
            custody = held.get(record.pk)
            if custody is not None and custody.holder_id != giver.pk:
                raise ValidationError(
                    _("%(reference)s is in the custody of %(user)s.")
                    % {"reference": record.reference, "user": custody.holder}
                )
            if record.reference in out:
                raise ValidationError(
                    _("The paper original of %(reference)s is already on loan.")
                    % {"reference": record.reference}
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
        register_append(event=RegisterEvent.HANDOVER, actor=giver, signatures=signed, data=data)
        audit_log(action=events.CUSTODY_HANDED_OVER, actor=giver, data=data)
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
