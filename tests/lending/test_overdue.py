"""The daily overdue run, physical locations, reading in the room and the signing key."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import mail
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.cli.main import main
from records_dms.common import signing
from records_dms.lending.models import Loan, LoanItem, LoanState, Location, RegisterEntry
from records_dms.lending.overdue import loans_mark_overdue
from records_dms.lending.register import register_verify
from records_dms.lending.services import location_set, reading_register
from records_dms.lending.tasks import loans_mark_overdue_task
from tests.factories import file_pdf, make_record
from tests.lending.helpers import loan_out


@pytest.fixture
def staff(users, customer, clerk):
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    return users[roles.STAFF]


@pytest.mark.django_db(transaction=True)
def test_paper_loans_past_due_become_overdue_and_both_people_are_emailed(
    staff, customer, clerk, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    paper = loan_out(
        make_record(customer, title="纸质原件"), borrower=staff, approver=clerk, clerk=clerk
    )
    copy = loan_out(
        file_pdf(customer, actor=clerk),
        borrower=staff,
        approver=clerk,
        clerk=clerk,
        kind="electronic",
    )
    on_time = loan_out(
        make_record(customer, title="未到期"), borrower=staff, approver=clerk, clerk=clerk
    )
    Loan.objects.filter(pk__in=[paper.pk, copy.pk]).update(due_on=datetime.date(2026, 1, 10))
    Loan.objects.filter(pk=on_time.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=3)
    )

    changed = loans_mark_overdue(today=timezone.localdate())
    assert {loan.number for loan in changed} == {paper.number, copy.number}
    assert Loan.objects.get(pk=paper.pk).state == LoanState.OVERDUE
    assert Loan.objects.get(pk=copy.pk).state == LoanState.EXPIRED
    assert not LoanItem.objects.get(loan=copy).out  # an expired copy is no longer out
    assert LoanItem.objects.get(loan=paper).out  # the paper is still out, just late
    assert Loan.objects.get(pk=on_time.pk).state == LoanState.CHECKED_OUT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["clerk@example.invalid", "staff@example.invalid"]
    assert paper.number in message.subject and "纸质原件" in message.body
    events = list(RegisterEntry.objects.values_list("event", flat=True))
    assert events.count("overdue") == 1 and events.count("expired") == 1
    # Running again changes nothing and sends nothing.
    assert loans_mark_overdue_task.enqueue().return_value == []
    assert len(mail.outbox) == 1
    assert register_verify() == []


@pytest.mark.django_db
def test_dms_loan_overdue_lists_what_it_marked(staff, customer, clerk, capsys):
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    later = (loan.due_on + datetime.timedelta(days=1)).isoformat()
    assert main(["loan", "overdue", "--on", later, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [p["number"] for p in printed] == [loan.number] and printed[0]["state"] == "overdue"


@pytest.mark.django_db
def test_a_physical_location_is_kept_on_the_record_with_its_history(staff, customer, clerk):
    record = make_record(customer, title="合同原件")
    location_set(record=record, actor=clerk, room="A库房", cabinet="3", shelf="2", box="017")
    record.refresh_from_db()
    assert record.physical_location == "A库房 / 3 / 2 / 017"
    assert Location.objects.get(record=record).box == "017"
    assert record.revisions.get().changes["physical_location"] == ["", "A库房 / 3 / 2 / 017"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        location_set(record=record, actor=staff, room="B")


@pytest.mark.django_db
def test_reading_in_the_room_is_registered(staff, customer, clerk):
    record = make_record(customer, title="投诉卷")
    reading_register(record=record, reader=staff, purpose="核对处理结论", actor=clerk)
    entry = RegisterEntry.objects.get()
    assert entry.event == "reading" and entry.data["reader"] == "staff"
    assert entry.data["purpose"] == "核对处理结论" and entry.loan is None


@pytest.mark.django_db
def test_the_key_from_the_environment_signs_and_old_keys_stay_trusted(
    staff, customer, clerk, settings, tmp_path
):
    loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    embedded = signing.public_key_hex()
    assert (tmp_path / signing.KEY_FILE_NAME).stat().st_mode & 0o777 == 0o600
    new_key = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings.LENDING = replace(settings.LENDING, register_key=new_key)
    # Entries signed by the old key no longer verify unless that key is listed as trusted.
    assert {f.problem for f in register_verify()} == {
        "signed by a key that is not trusted",
        "the chain head is signed by a key not trusted",
    }
    settings.LENDING = replace(settings.LENDING, register_trusted_keys=(embedded,))
    assert register_verify() == []
    reading_register(record=make_record(customer), reader=staff, purpose="x", actor=clerk)
    assert RegisterEntry.objects.last().key_id != RegisterEntry.objects.first().key_id  # type: ignore[union-attr]
    assert register_verify() == []
