"""The daily overdue run: paper loans past due become overdue (borrower and clerk are emailed);
loans of electronic copies only simply expire (access ends with the due date anyway)."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import events
from .events import RegisterEvent
from .models import Loan, LoanKind, LoanState
from .register import register_append
from .services import _log, items_data


def _notify(loan: Loan) -> None:
    recipients = sorted(
        {
            user.email
            for user in (loan.borrower, loan.checked_out_by)
            if user is not None and user.email
        }
    )
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Loan %(number)s is overdue") % {"number": loan.number}
        lines = [
            _("Loan %(number)s of %(borrower)s was due on %(date)s. Please return:")
            % {
                "number": loan.number,
                "borrower": loan.borrower.get_username(),
                "date": loan.due_on.isoformat(),
            },
            *(f"- {item['reference']} {item['title']}" for item in items_data(loan)),
        ]
    send_mail(subject, "\n".join(lines), None, recipients)


def loans_mark_overdue(*, today: datetime.date | None = None) -> list[Loan]:
    """Mark every checked-out loan past its due date; return the loans changed."""
    today = today or timezone.localdate()
    changed = []
    for loan_id in Loan.objects.filter(state=LoanState.CHECKED_OUT, due_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            loan = Loan.objects.select_for_update().get(pk=loan_id)
            if loan.state != LoanState.CHECKED_OUT:  # returned meanwhile
                continue
            paper = loan.items.filter(kind=LoanKind.PAPER).exists()
            if paper:
                loan.state = LoanState.OVERDUE
                loan.save(update_fields=["state"])
                event, action = RegisterEvent.OVERDUE, events.LOAN_OVERDUE
                transaction.on_commit(partial(_notify, loan))
            else:
                loan.state, loan.returned_at = LoanState.EXPIRED, timezone.now()
                loan.save(update_fields=["state", "returned_at"])
                loan.items.update(out=False, returned_at=loan.returned_at)
                event, action = RegisterEvent.EXPIRED, events.LOAN_EXPIRED
            register_append(
                event=event,
                actor=None,
                loan=loan,
                data={"number": loan.number, "due_on": loan.due_on.isoformat(), "on": str(today)},
            )
            _log(action, loan, None, due_on=loan.due_on.isoformat())
        changed.append(loan)
    return changed
