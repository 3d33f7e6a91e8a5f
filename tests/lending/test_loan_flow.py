"""Request, approval by confidentiality, checkout with the borrower's signature, return."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.blockers import destruction_blockers
from records_dms.audit.models import AuditEvent
from records_dms.lending.models import (
    Incident,
    Loan,
    LoanItem,
    LoanState,
    RegisterEntry,
)
from records_dms.lending.register import register_verify
from records_dms.lending.services import (
    loan_approve,
    loan_check_out,
    loan_refuse,
    loan_request,
    loan_return,
)
from tests.factories import file_pdf, make_record
from tests.lending.helpers import blank_png, loan_out, signature_png


@pytest.fixture
def staff(users, customer, clerk):
    member = users[roles.STAFF]
    grant_create(user=member, customer=customer, actor=clerk)
    return member


@pytest.fixture
def record(customer, clerk):
    return make_record(customer, type="complaint", title="重大投诉卷", actor=clerk)


@pytest.mark.django_db
def test_a_loan_from_request_to_return_is_registered_signed_and_verifies(
    users, staff, record, clerk
):
    loan = loan_request(actor=staff, items=[(record, "paper")], purpose="审核准备")
    assert loan.state == LoanState.REQUESTED and loan.level == "internal"
    assert loan.due_on == timezone.localdate() + datetime.timedelta(days=30)
    loan_approve(loan=loan, actor=clerk)
    loan_check_out(loan=loan, actor=clerk, signature=signature_png())
    assert LoanItem.objects.get(loan=loan).out
    assert destruction_blockers([record]) == {record.pk: [f"on loan ({loan.number})"]}
    loan_return(loan=loan, actor=clerk, signature=signature_png(1))
    loan.refresh_from_db()
    assert loan.state == LoanState.RETURNED and loan.received_by == clerk
    assert destruction_blockers([record]) == {}

    entries = list(RegisterEntry.objects.filter(loan=loan))
    assert [e.event for e in entries] == ["requested", "approved", "checked_out", "returned"]
    assert entries[2].data["signatures"][0]["role"] == "borrower"
    assert entries[2].data["signatures"][0]["signer"] == "staff"
    assert entries[3].data["signatures"][0]["signer"] == "clerk"
    assert entries[3].data["items"][0]["condition"] == "complete"
    assert register_verify() == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"loan.requested", "loan.approved", "loan.checked_out", "loan.returned"} <= actions


@pytest.mark.django_db
def test_clerks_approve_internal_compliance_officers_confidential(users, staff, customer, clerk):
    compliance = users[roles.COMPLIANCE]
    secret = make_record(customer, title="保密合同", type="contract", confidentiality="secret")
    # A clerk borrows the secret contract (clerks are cleared for secret records).
    loan = loan_request(actor=clerk, items=[(secret, "paper")], purpose="合同核对")
    assert loan.level == "secret"
    assert loan.due_on == timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        loan_approve(loan=loan, actor=users[roles.AUDITOR])
    loan_approve(loan=loan, actor=compliance)
    assert Loan.objects.get(pk=loan.pk).decided_by == compliance

    other = make_record(customer, title="保密纪要", confidentiality="confidential")
    asked = loan_request(actor=compliance, items=[(other, "paper")], purpose="复核")
    with pytest.raises(PermissionDenied):
        loan_approve(loan=asked, actor=clerk)  # confidential: compliance only
    with pytest.raises(ValidationError, match="own loan"):
        loan_approve(loan=asked, actor=compliance)


@pytest.mark.django_db
def test_due_date_is_limited_by_the_most_confidential_item(settings, users, customer, clerk):
    settings.LENDING = replace(settings.LENDING, loan_days_confidential=10, loan_days_secret=3)
    internal = make_record(customer, title="纪要")
    confidential = make_record(customer, title="秘密纪要", confidentiality="confidential")
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="at most 10 days"):
        loan_request(
            actor=clerk,
            items=[(internal, "paper"), (confidential, "paper")],
            purpose="x",
            due_on=today + datetime.timedelta(days=11),
        )
    loan = loan_request(
        actor=clerk, items=[(internal, "paper"), (confidential, "paper")], purpose="x"
    )
    assert loan.due_on == today + datetime.timedelta(days=10)
    with pytest.raises(ValidationError, match="past"):
        loan_request(
            actor=clerk, items=[(internal, "paper")], purpose="x", due_on=today.replace(year=2000)
        )


@pytest.mark.django_db
def test_staff_cannot_borrow_what_they_may_not_see(users, customer, clerk):
    record = make_record(customer)
    staff = users[roles.STAFF]  # no grant on KH-0101
    with pytest.raises(ValidationError, match="may not see"):
        loan_request(actor=staff, items=[(record, "paper")], purpose="x")
    with pytest.raises(PermissionDenied):
        loan_request(actor=users[roles.ADMINISTRATOR], items=[(record, "paper")], purpose="x")
    assert not Loan.objects.exists() and not RegisterEntry.objects.exists()


@pytest.mark.django_db
def test_checkout_needs_a_drawn_signature_and_an_approved_loan(staff, record, clerk):
    loan = loan_request(actor=staff, items=[(record, "paper")], purpose="x")
    with pytest.raises(ValidationError, match="not approved"):
        loan_check_out(loan=loan, actor=clerk, signature=signature_png())
    loan_approve(loan=loan, actor=clerk)
    with pytest.raises(ValidationError, match="empty"):
        loan_check_out(loan=loan, actor=clerk, signature=blank_png())
    with pytest.raises(ValidationError, match="PNG"):
        loan_check_out(loan=loan, actor=clerk, signature=b"GIF89a not a png")
    with pytest.raises(PermissionDenied):
        loan_check_out(loan=loan, actor=staff, signature=signature_png())
    assert Loan.objects.get(pk=loan.pk).state == LoanState.APPROVED


@pytest.mark.django_db
def test_a_paper_original_is_never_out_twice(users, staff, record, clerk):
    loan_out(record, borrower=staff, approver=clerk, clerk=clerk)
    second = loan_request(actor=users[roles.AUDITOR], items=[(record, "paper")], purpose="y")
    loan_approve(loan=second, actor=clerk)
    with pytest.raises(ValidationError, match="already on loan"):
        loan_check_out(loan=second, actor=clerk, signature=signature_png())
    assert Loan.objects.get(pk=second.pk).state == LoanState.APPROVED
    # An electronic copy of the same record may be out meanwhile.
    pdf = file_pdf(record.customer, actor=clerk)
    loan_out(pdf, borrower=staff, approver=clerk, clerk=clerk)
    loan_out(pdf, borrower=users[roles.AUDITOR], approver=clerk, clerk=clerk, kind="electronic")


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_paper_item_out(staff, record, clerk):
    from django.db import IntegrityError, transaction

    first = loan_request(actor=staff, items=[(record, "paper")], purpose="x")
    second = loan_request(actor=clerk, items=[(record, "paper")], purpose="y")
    LoanItem.objects.filter(loan=first).update(out=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanItem.objects.filter(loan=second).update(out=True)


@pytest.mark.django_db
def test_refusal_is_registered_with_its_reason(staff, record, clerk):
    loan = loan_request(actor=staff, items=[(record, "paper")], purpose="x")
    with pytest.raises(ValidationError):
        loan_refuse(loan=loan, actor=clerk, reason=" ")
    loan_refuse(loan=loan, actor=clerk, reason="正在整理")
    entry = RegisterEntry.objects.filter(loan=loan).last()
    assert entry is not None and entry.event == "refused" and entry.data["reason"] == "正在整理"
    with pytest.raises(ValidationError, match="not approved"):
        loan_check_out(loan=loan, actor=clerk, signature=signature_png())


@pytest.mark.django_db
def test_damage_and_loss_open_incidents_and_a_lost_original_is_not_lent_again(
    users, staff, customer, clerk
):
    damaged = make_record(customer, title="损坏的纪要")
    lost = make_record(customer, title="丢失的纪要")
    loan = loan_request(actor=staff, items=[(damaged, "paper"), (lost, "paper")], purpose="x")
    loan_approve(loan=loan, actor=clerk)
    loan_check_out(loan=loan, actor=clerk, signature=signature_png())
    with pytest.raises(ValidationError, match="receiver signs"):
        loan_return(loan=loan, actor=clerk, signature=None)
    items = {item.record_id: item.pk for item in loan.items.all()}
    loan_return(
        loan=loan,
        actor=clerk,
        signature=signature_png(2),
        conditions={items[damaged.pk]: "damaged", items[lost.pk]: "lost"},
        note="封面撕裂;一份未归还",
    )
    assert set(Incident.objects.values_list("record_id", "kind")) == {
        (damaged.pk, "damaged"),
        (lost.pk, "lost"),
    }
    events = list(RegisterEntry.objects.filter(loan=loan).values_list("event", flat=True))
    assert events[-2:] == ["returned", "lost"]
    again = loan_request(actor=users[roles.AUDITOR], items=[(lost, "paper")], purpose="y")
    loan_approve(loan=again, actor=clerk)
    with pytest.raises(ValidationError, match="reported lost"):
        loan_check_out(loan=again, actor=clerk, signature=signature_png())
