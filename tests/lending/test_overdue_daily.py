"""The overdue run rides on the product's daily chain (retention's, started by every worker):
loans are marked once and each loan's people get one e-mail a day however often it runs."""

from __future__ import annotations

import datetime
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main
from records_dms.lending import events
from records_dms.lending.models import Loan, LoanState, OverdueNotice, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.services import loan_return
from retention.services.review import retention_daily, retention_daily_start
from retention.tasks import retention_daily_task
from tests.concurrency import database_url_of
from tests.factories import make_record
from tests.lending.helpers import loan_out, signature_png
from tests.lending.workers import daily_start_at

TODAY = timezone.localdate


@pytest.fixture
def staff(users, customer, clerk):
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    return users[roles.STAFF]


@pytest.fixture
def late(staff, customer, clerk) -> Loan:
    """A paper loan checked out and due three days ago."""
    loan = loan_out(
        make_record(customer, title="逾期卷宗"), borrower=staff, approver=clerk, clerk=clerk
    )
    Loan.objects.filter(pk=loan.pk).update(due_on=TODAY() - datetime.timedelta(days=3))
    return loan


def overdue_mail(loan: Loan) -> list[Any]:
    return [m for m in mail.outbox if loan.number in m.subject]


def per_recipient(messages: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in messages:
        for address in message.to:
            counts[address] = counts.get(address, 0) + 1
    return counts


@pytest.mark.django_db(transaction=True)
def test_the_daily_chain_marks_once_and_emails_each_person_once(late, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = TODAY().isoformat()
    # A worker starts, a second one starts, the queued run of the day comes, run again.
    retention_daily_start()
    retention_daily_start()
    retention_daily_task.enqueue(today)
    retention_daily(today)

    late.refresh_from_db()
    assert late.state == LoanState.OVERDUE
    assert RegisterEntry.objects.filter(loan=late, event="overdue").count() == 1
    sent = overdue_mail(late)
    assert per_recipient(sent) == {"clerk@example.invalid": 1, "staff@example.invalid": 1}
    assert "逾期卷宗" in sent[0].body
    assert OverdueNotice.objects.get().day == TODAY()
    notified = AuditEvent.objects.filter(action=events.LOAN_OVERDUE_NOTIFIED)
    assert notified.count() == 1 and notified.get().data["number"] == late.number
    assert register_verify() == []


@pytest.mark.django_db(transaction=True)
def test_while_it_stays_out_both_are_reminded_once_a_day(late, clerk, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = TODAY()
    for day in (today, today, today + datetime.timedelta(days=1)):
        retention_daily(day.isoformat())
        retention_daily(day.isoformat())
    sent = overdue_mail(late)
    assert per_recipient(sent) == {"clerk@example.invalid": 2, "staff@example.invalid": 2}
    assert "Overdue by 4 days" in sent[-1].body
    # Marked once only; reminders are not register events.
    assert RegisterEntry.objects.filter(loan=late, event="overdue").count() == 1
    # Every other day only: no reminder the next day; none at all once returned.
    settings.LENDING = replace(settings.LENDING, remind_days=2)
    retention_daily((today + datetime.timedelta(days=2)).isoformat())
    assert len(overdue_mail(late)) == 2
    retention_daily((today + datetime.timedelta(days=3)).isoformat())
    assert len(overdue_mail(late)) == 3
    loan_return(loan=late, actor=clerk, signature=signature_png())
    retention_daily((today + datetime.timedelta(days=5)).isoformat())
    assert len(overdue_mail(late)) == 3


@pytest.mark.django_db(transaction=True)
def test_no_reminders_when_switched_off(late, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LENDING = replace(settings.LENDING, remind_days=0)
    retention_daily(TODAY().isoformat())
    retention_daily((TODAY() + datetime.timedelta(days=1)).isoformat())
    assert len(overdue_mail(late)) == 1  # the day it became overdue, not after


@pytest.mark.django_db(transaction=True)
def test_an_email_that_could_not_be_sent_is_tried_again(late, settings):
    # Nothing listens on port 9 of this machine: the SMTP connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    retention_daily_start()
    late.refresh_from_db()
    assert late.state == LoanState.OVERDUE and not OverdueNotice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retention_daily_start()  # the next worker start
    assert len(overdue_mail(late)) == 1 and OverdueNotice.objects.count() == 1
    assert RegisterEntry.objects.filter(loan=late, event="overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_at_once_send_one_email(late, tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    url = database_url_of(connection.settings_dict)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        start_at = time.time() + 8  # after both processes have set Django up
        futures = [
            pool.submit(daily_start_at, url, str(tmp_path), str(outbox), start_at)
            for _worker in range(2)
        ]
        outcomes = [future.result(timeout=180) for future in futures]
    assert outcomes == ["ok", "ok"], outcomes
    written = "".join(path.read_text() for path in outbox.iterdir())
    # One overdue notice and one e-mail of the chains' checkpoints, each sent once.
    assert written.count("Subject: ") == 2 and written.count(late.number) >= 1
    assert OverdueNotice.objects.count() == 1
    assert RegisterEntry.objects.filter(loan=late, event="overdue").count() == 1
    assert register_verify() == []


# dms loan read --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dms_loan_read_registers_reading_in_the_room(staff, customer, clerk, capsys):
    record = make_record(customer, title="阅览卷宗")
    argv = ["loan", "read", record.reference, "--reader", "staff", "--purpose", "核对签字"]
    assert main([*argv, "--as", "clerk", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    entry = RegisterEntry.objects.get(event="reading")
    assert printed["sequence"] == entry.sequence and printed["hash"] == entry.hash
    assert (printed["reader"], printed["reference"], printed["purpose"]) == (
        "staff",
        record.reference,
        "核对签字",
    )
    assert printed["actor"] == "clerk" and entry.loan is None
    assert AuditEvent.objects.filter(action=events.READING_REGISTERED).count() == 1
    assert main([*argv, "--as", "clerk"]) == 0
    assert "read by staff" in capsys.readouterr().out
    # Staff do not register readings; nobody reads what they may not see; --as is required.
    assert main([*argv, "--as", "staff"]) == 1
    assert "may not" in capsys.readouterr().err
    secret = make_record(customer, title="机密", confidentiality="secret")
    other = ["loan", "read", secret.reference, "--reader", "staff", "--purpose", "x"]
    assert main([*other, "--as", "clerk"]) == 1
    assert "staff may not see" in capsys.readouterr().err
    assert main(argv) == 1
    assert "--as" in capsys.readouterr().err
    assert (
        main(["loan", "read", "NOPE-1", "--reader", "staff", "--purpose", "x", "--as", "clerk"])
        == 1
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["loan", "read", record.reference, "--as", "clerk"])  # no --reader, no --purpose
    assert exit_info.value.code == 2
    assert RegisterEntry.objects.filter(event="reading").count() == 2
    assert register_verify() == []
