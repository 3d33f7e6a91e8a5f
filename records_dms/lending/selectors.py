"""Reads of lending for screens, the CLI and other parts (the destruction blocker)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records
from records_dms.lending.models import OUT_STATES, Custody, Loan, LoanItem, LoanState
from records_dms.lending.permissions import (
    APPROVE_CLASSIFIED_LOAN,
    APPROVE_LOAN,
    LEND,
    VIEW_REGISTER,
)


def on_loan_blocker(records: Sequence[Record]) -> Mapping[int, str]:
    """A record whose original or copy is out may not be destroyed (one query for all)."""
    out = LoanItem.objects.filter(record__in=[r.pk for r in records], out=True).select_related(
        "loan"
    )
    return {
        item.record_id: _("on loan (%(number)s)") % {"number": item.loan.number} for item in out
    }


def loans_visible(user: Any) -> QuerySet[Loan]:
    """Every loan for register readers and clerks; their own for everyone else."""
    loans = Loan.objects.select_related("borrower")
    if policy.has(user, VIEW_REGISTER) or policy.has(user, LEND):
        return loans
    if policy.has(user, APPROVE_CLASSIFIED_LOAN):
        return loans
    if not user.is_authenticated:
        return loans.none()
    return loans.filter(borrower_id=user.pk)


def loans_to_approve(user: Any) -> QuerySet[Loan]:
    """Requests this user may decide on (never their own)."""
    waiting = Loan.objects.filter(state=LoanState.REQUESTED).select_related("borrower")
    if policy.has(user, APPROVE_CLASSIFIED_LOAN):
        levels = list(Confidentiality.values)
    elif policy.has(user, APPROVE_LOAN):
        levels = [Confidentiality.INTERNAL.value]
    else:
        return waiting.none()
    return waiting.filter(level__in=levels).exclude(borrower_id=user.pk).order_by("requested_at")


def loans_open_of(user: Any) -> QuerySet[Loan]:
    """What a user still has out (checked out or overdue)."""
    return Loan.objects.filter(borrower_id=user.pk, state__in=OUT_STATES)


def custody_of(user: Any) -> QuerySet[Custody]:
    return Custody.objects.filter(holder_id=user.pk).select_related("record")


@dataclass(frozen=True)
class TrimmedItems:
    """A loan's items as one viewer may see them: the records within the viewer's reach, and
    how many others there are (never their reference, title or hash)."""

    shown: list[LoanItem]
    hidden: int


def items_visible(user: Any, items: Iterable[LoanItem]) -> TrimmedItems:
    """Trim a loan's items to the records ``user`` may see now (clearance, grant, seal)."""
    items = list(items)
    ids = [item.record_id for item in items]
    seen = set(visible_records(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = [item for item in items if item.record_id in seen]
    return TrimmedItems(shown, len(items) - len(shown))
