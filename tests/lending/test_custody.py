"""Handover (移交) with both signatures, and no deactivation while anything is still out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.lending.custody import custody_hand_over, user_deactivate
from records_dms.lending.models import Custody, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.services import loan_return
from tests.conftest import client_for
from tests.factories import UserFactory, make_record
from tests.lending.helpers import loan_out, signature_png


@pytest.mark.django_db
def test_handover_records_both_signatures_and_moves_custody(users, customer, clerk):
    second = UserFactory.create(username="clerk2", role=roles.CLERK, clearance="secret")
    records = [make_record(customer, title=f"原件{i}") for i in range(2)]
    custody_hand_over(
        records=records,
        to_user=second,
        actor=clerk,
        from_signature=signature_png(1),
        to_signature=signature_png(2),
        department="质量部",
    )
    assert set(Custody.objects.values_list("holder__username", flat=True)) == {"clerk2"}
    entry = RegisterEntry.objects.get(event="handover")
    assert [(s["role"], s["signer"]) for s in entry.data["signatures"]] == [
        ("handover_from", "clerk"),
        ("handover_to", "clerk2"),
    ]
    assert entry.data["references"] == [r.reference for r in records]
    # The first clerk no longer holds them, so cannot hand them over again.
    with pytest.raises(ValidationError, match="custody of"):
        custody_hand_over(
            records=records[:1],
            to_user=users[roles.COMPLIANCE],
            actor=clerk,
            from_signature=signature_png(),
            to_signature=signature_png(),
        )
    assert register_verify() == []


@pytest.mark.django_db
def test_a_user_with_an_open_loan_or_custody_is_not_deactivated(users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    with pytest.raises(ValidationError, match=loan.number):
        user_deactivate(user=staff, actor=users[roles.ADMINISTRATOR])
    staff.refresh_from_db()
    assert staff.is_active
    loan_return(loan=loan, actor=clerk, signature=signature_png())
    user_deactivate(user=staff, actor=users[roles.ADMINISTRATOR])
    staff.refresh_from_db()
    assert not staff.is_active

    second = UserFactory.create(username="clerk2", role=roles.CLERK, clearance="secret")
    record = make_record(customer, title="移交原件")
    custody_hand_over(
        records=[record],
        to_user=second,
        actor=clerk,
        from_signature=signature_png(),
        to_signature=signature_png(1),
    )
    with pytest.raises(ValidationError, match=record.reference):
        user_deactivate(user=second, actor=users[roles.ADMINISTRATOR])


@pytest.mark.django_db
def test_the_user_admin_says_which_loans_block_deactivation(users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    admin = client_for(users[roles.ADMINISTRATOR])
    url = reverse("wagtailusers_users:edit", args=[staff.pk])
    form = {
        "username": "staff",
        "email": "staff@example.invalid",
        "first_name": "晓",
        "last_name": "王",
        "groups": [g.pk for g in staff.groups.all()],
        # "is_active" left out: the box is unticked
    }
    response = admin.post(url, form, follow=True)
    staff.refresh_from_db()
    assert staff.is_active and response.redirect_chain[-1][0] == url
    assert loan.number in response.content.decode()
    loan_return(loan=loan, actor=clerk, signature=signature_png())
    response = admin.post(url, form)
    staff.refresh_from_db()
    assert response.status_code == 302 and not staff.is_active


@pytest.mark.django_db
def test_dms_loan_handover(users, customer, clerk, tmp_path, capsys):
    import json

    from records_dms.cli.main import main

    record = make_record(customer, title="移交原件")
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    a.write_bytes(signature_png(1))
    b.write_bytes(signature_png(2))
    argv = ["loan", "handover", record.reference, "--to", "compliance", "--signature", str(a)]
    assert main([*argv, "--as", "clerk"]) == 1  # the receiver signs too
    assert "--to-signature" in capsys.readouterr().err
    assert main([*argv, "--to-signature", str(b), "--as", "clerk", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["to"] == "compliance"
    assert Custody.objects.get(record=record).holder == users[roles.COMPLIANCE]
