"""The daily overdue run: paper loans past due become overdue (borrower and clerk are emailed,
then reminded every ``LOAN_REMIND_DAYS`` while the items stay out); loans of electronic copies
only simply expire (access ends with the due date anyway).

It runs on the product's daily chain (``loans_daily``, registered as a daily job by the app), so
no cron is needed. However often it runs in a day, a loan is marked once and each loan's e-mail
goes out at most once per day: an ``OverdueNotice`` row per (loan, day), which the database
keeps unique, is written before the e-mail is sent.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from records_dms.audit.services import audit_log
from records_dms.lending import events
from records_dms.lending.events import RegisterEvent
from records_dms.lending.models import Loan, LoanKind, LoanState, OverdueNotice
from records_dms.lending.register import register_append
from records_dms.lending.services import _customer_code, _log, items_data

logger = logging.getLogger(__name__)


def _recipients(loan: Loan) -> list[str]:
    people = (loan.borrower, loan.checked_out_by)
    return sorted({user.email for user in people if user is not None and user.email})


def _message(loan: Loan, on: datetime.date) -> tuple[str, str]:
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
        if on > loan.due_on:
            lines.append(_("Overdue by %(days)d days.") % {"days": (on - loan.due_on).days})
    return subject, "\n".join(lines)


def _send(notice_id: int, loan_id: int, on: datetime.date) -> None:
    """Send the e-mail of a notice just committed; if sending fails, drop the notice so that
    the next run (a worker start or tomorrow) tries again."""
    loan = Loan.objects.select_related("borrower", "checked_out_by").get(pk=loan_id)
    subject, body = _message(loan, on)
    try:
        send_mail(subject, body, None, _recipients(loan))
    except Exception:
        logger.exception("the overdue e-mail of %s could not be sent", loan.number)
        OverdueNotice.objects.filter(pk=notice_id).delete()


def _notice(loan: Loan, on: datetime.date) -> bool:
    """Inside the caller's transaction: claim the day's e-mail of ``loan`` and send it after
    commit. False if it was already claimed (by this run or another worker) or nobody has an
    address."""
    recipients = _recipients(loan)
    if not recipients:
        return False
    try:
        with transaction.atomic():
            notice = OverdueNotice.objects.create(
                loan=loan, day=on, recipients=", ".join(recipients)[:500]
            )
    except IntegrityError:
        return False
    audit_log(
        action=events.LOAN_OVERDUE_NOTIFIED,
        actor=None,
        obj=loan,
        customer_code=_customer_code(loan),
        data={"number": loan.number, "day": on.isoformat(), "to": recipients},
    )
    transaction.on_commit(partial(_send, notice.pk, loan.pk, on))
    return True


def loans_mark_overdue(*, today: datetime.date | None = None) -> list[Loan]:
    """Mark every checked-out loan past its due date; return the loans changed."""
    today = today or timezone.localdate()
    changed = []
    for loan_id in Loan.objects.filter(state=LoanState.CHECKED_OUT, due_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            loan = Loan.objects.select_for_update().select_related("borrower").get(pk=loan_id)
            if loan.state != LoanState.CHECKED_OUT:  # returned or marked meanwhile
                continue
            paper = loan.items.filter(kind=LoanKind.PAPER).exists()
            if paper:
                loan.state = LoanState.OVERDUE
                loan.save(update_fields=["state"])
                event, action = RegisterEvent.OVERDUE, events.LOAN_OVERDUE
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
            if paper:
                _notice(loan, today)
        changed.append(loan)
    return changed


def loans_remind_overdue(*, today: datetime.date | None = None) -> list[Loan]:
    """E-mail borrower and clerk again for loans still overdue, every ``LOAN_REMIND_DAYS`` days
    (0: never); return the loans reminded."""
    today = today or timezone.localdate()
    every = settings.LENDING.remind_days
    if every <= 0:
        return []
    recent = OverdueNotice.objects.filter(day__gt=today - datetime.timedelta(days=every))
    waiting = (
        Loan.objects.filter(state=LoanState.OVERDUE)
        .exclude(pk__in=recent.values("loan_id"))
        .select_related("borrower", "checked_out_by")
    )
    reminded = []
    for loan in waiting:
        with transaction.atomic():
            if _notice(loan, today):
                reminded.append(loan)
    return reminded


def loans_daily(on: datetime.date) -> dict[str, list[str]]:
    """The daily job: mark, then remind. A chain run queued for a day already past works as of
    today (what is overdue now)."""
    today = max(on, timezone.localdate())
    marked = loans_mark_overdue(today=today)
    reminded = loans_remind_overdue(today=today)
    return {
        "marked": [loan.number for loan in marked],
        "reminded": [loan.number for loan in reminded],
    }
