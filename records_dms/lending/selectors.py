"""Reads of lending for screens, the CLI and other parts (the destruction blocker)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Record, RecordState
from records_dms.archive.selectors import visible_records
from records_dms.common.todo import LINES, TodoItem, TodoLine
from records_dms.lending.models import (
    OPEN_STATES,
    OUT_STATES,
    CartItem,
    Custody,
    Loan,
    LoanItem,
    LoanState,
    RegisterEntry,
)
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


def cart_records(user: Any) -> QuerySet[Record]:
    """The records in the user's borrowing cart that the user may still see and borrow."""
    in_cart = CartItem.objects.filter(user_id=user.pk).values("record_id")
    return (
        visible_records(user=user)
        .exclude(state=RecordState.DESTROYED)
        .filter(pk__in=in_cart)
        .select_related("customer")
        .order_by("customer__code", "reference")
    )


def cart_out_of_reach(user: Any) -> QuerySet[CartItem]:
    """Cart items whose record the user may no longer see or borrow (reclassified, sealed,
    destroyed since being added)."""
    return CartItem.objects.filter(user_id=user.pk).exclude(
        record__in=cart_records(user).values("pk")
    )


def cart_marks(user: Any, record_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """Of these records: which the user may put in the cart, and which are in it already."""
    ids = set(record_ids)
    borrowable = visible_records(user=user).exclude(state=RecordState.DESTROYED)
    may = set(borrowable.filter(pk__in=ids).values_list("pk", flat=True))
    in_cart = CartItem.objects.filter(user_id=user.pk, record_id__in=ids)
    return may, set(in_cart.values_list("record_id", flat=True))


def open_loans_of(user: Any, record_ids: Iterable[int]) -> dict[int, str]:
    """Record id -> number of the user's own open loan that has it already."""
    items = LoanItem.objects.filter(
        loan__borrower_id=user.pk, loan__state__in=OPEN_STATES, record_id__in=list(record_ids)
    ).select_related("loan")
    return {item.record_id: item.loan.number for item in items}


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


@dataclass(frozen=True)
class TrimmedRegister:
    """Register entries as one viewer may see them. Every entry stays (the chain is whole and
    numbered), but those in ``trimmed`` concern a record the viewer may not see: shown without
    its reference, title or free text (purpose, reason, note)."""

    entries: list[RegisterEntry]
    trimmed: frozenset[int]

    @property
    def hidden(self) -> int:
        return len(self.trimmed)


BATCH = 500  # SQLite's bound on a query's parameters is far above; keep each IN list short


def entry_references(entry: RegisterEntry) -> set[str]:
    """The file reference numbers an entry names in its data (items, reading, handover)."""
    data = entry.data
    named = {str(item["reference"]) for item in data.get("items") or [] if item.get("reference")}
    if data.get("reference"):
        named.add(str(data["reference"]))
    named.update(str(reference) for reference in data.get("references") or [])
    return named


def register_visible(user: Any, entries: Iterable[RegisterEntry]) -> TrimmedRegister:
    """Trim register entries to what ``user`` may see now (clearance, grant, seal): an entry
    is trimmed when a record it names, or any record of its loan, is out of the user's reach
    or no longer in the archive. Nothing is written; the register itself stays whole."""
    entries = list(entries)
    by_loan: dict[int, set[str]] = {}
    loan_ids = sorted({entry.loan_id for entry in entries if entry.loan_id is not None})
    for start in range(0, len(loan_ids), BATCH):
        rows = LoanItem.objects.filter(loan_id__in=loan_ids[start : start + BATCH])
        for loan_id, reference in rows.values_list("loan_id", "record__reference"):
            by_loan.setdefault(loan_id, set()).add(reference)
    named = {
        entry.sequence: entry_references(entry) | by_loan.get(entry.loan_id or 0, set())
        for entry in entries
    }
    wanted = sorted(set().union(*named.values()))
    seen: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        seen.update(
            visible_records(user=user)
            .filter(reference__in=batch)
            .values_list("reference", flat=True)
        )
    trimmed = frozenset(sequence for sequence, refs in named.items() if not refs <= seen)
    return TrimmedRegister(entries, trimmed)


def _loan_line(loan: Loan, url: str, *, borrower: bool = True) -> TodoLine:
    parts = [loan.number]
    if borrower:
        parts.append(loan.borrower.get_full_name() or loan.borrower.get_username())
    parts += [str(loan.get_state_display()), _("due %(date)s") % {"date": loan.due_on.isoformat()}]
    return TodoLine(" · ".join(parts), url, warn=loan.state == LoanState.OVERDUE)


def todo(*, user: Any) -> list[TodoItem]:
    """Lending's to-do: approvals and the desk (clerks, compliance), or one's own loans."""
    items = []
    if policy.has(user, APPROVE_LOAN) or policy.has(user, APPROVE_CLASSIFIED_LOAN):
        waiting = loans_to_approve(user)
        label = _("Loans waiting for your approval")
        if not policy.has(user, LEND):  # compliance officers: the classified ones
            waiting = waiting.exclude(level=Confidentiality.INTERNAL)
            label = _("Confidential loans waiting for your approval")
        queue = reverse("lending:queue")  # where one approves or refuses
        lines = [_loan_line(loan, f"{queue}#{loan.number}") for loan in waiting[:LINES]]
        items.append(TodoItem("lending_approve", label, waiting.count(), queue, lines))
    if not policy.has(user, LEND):
        # Borrowers who decide on nothing (staff, auditors) see their own loans.
        return items or _own_todo(user)
    for key, state, label, action in (
        (
            "lending_checkout",
            LoanState.APPROVED,
            _("Approved, waiting for checkout"),
            "lending:checkout",
        ),
        ("lending_overdue", LoanState.OVERDUE, _("Overdue loans"), "lending:return"),
    ):
        loans = Loan.objects.filter(state=state).select_related("borrower").order_by("due_on")
        lines = [_loan_line(loan, reverse(action, args=[loan.pk])) for loan in loans[:LINES]]
        url = f"{reverse('lending:loans')}?state={state}"
        warn = state == LoanState.OVERDUE
        items.append(TodoItem(key, label, loans.count(), url, lines, warn=warn))
    return items


def _own_todo(user: Any) -> list[TodoItem]:
    """A borrower's loans out (with due dates) and the state of its open requests."""
    mine = Loan.objects.filter(borrower_id=user.pk).select_related("borrower")
    out = mine.filter(state__in=OUT_STATES).order_by("due_on")
    # Open requests, and refusals of the last month (a refusal is news once, not forever).
    recently = timezone.now() - datetime.timedelta(days=30)
    asked = mine.filter(
        Q(state__in=(LoanState.REQUESTED, LoanState.APPROVED))
        | Q(state=LoanState.REFUSED, decided_at__gte=recently)
    ).order_by("-requested_at")
    url = reverse("lending:mine")

    def lines(loans: QuerySet[Loan]) -> list[TodoLine]:
        return [
            _loan_line(loan, reverse("lending:loan", args=[loan.pk]), borrower=False)
            for loan in loans[:LINES]
        ]

    overdue = out.filter(state=LoanState.OVERDUE).exists()
    return [
        TodoItem("lending_mine_out", _("My loans out"), out.count(), url, lines(out), overdue),
        TodoItem("lending_mine_requests", _("My loan requests"), asked.count(), url, lines(asked)),
    ]
