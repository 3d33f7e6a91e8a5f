"""The handover (移交) screen: items, from, to, both sign on one page; and the rule that a user
with originals out is not deactivated, through every path of the user admin."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit.models import AuditEvent
from records_dms.lending import events
from records_dms.lending.custody import custody_hand_over
from records_dms.lending.models import Custody, HandSignature, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.services import loan_return
from tests.conftest import client_for
from tests.factories import UserFactory, make_record
from tests.lending.helpers import blank_png, loan_out, signature_png


def _pad(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def clerk2(db: None) -> Any:
    return UserFactory.create(username="clerk2", role=roles.CLERK, clearance="secret")


def _form(records: list[Any], giver: Any, taker: Any, **extra: Any) -> dict[str, Any]:
    return {
        "references": "\n".join(r.reference for r in records),
        "from_user": giver.pk,
        "to_user": taker.pk,
        "from_signature": _pad(signature_png(3)),
        "to_signature": _pad(signature_png(4)),
        **extra,
    }


@pytest.mark.django_db
def test_a_clerk_records_a_handover_between_two_others_and_both_signatures_are_kept(
    users, customer, clerk, clerk2
):
    compliance = users[roles.COMPLIANCE]
    records = [make_record(customer, title=f"投诉原件{i}") for i in range(2)]
    # The originals first go from the archive to clerk2 in the quality department...
    custody_hand_over(
        records=records,
        to_user=clerk2,
        actor=clerk,
        from_signature=signature_png(1),
        to_signature=signature_png(2),
        department="质量部",
    )
    # ...then, on the screen, from clerk2 to the compliance officer of the legal department.
    client = client_for(clerk)
    response = client.get(reverse("lending:handover"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<canvas ") == 2 and records[0].reference in page  # custody
    response = client.post(
        reverse("lending:handover"),
        _form(records, clerk2, compliance, department="法务部"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("lending:register")
    assert "clerk2" in response.content.decode()
    assert set(Custody.objects.values_list("holder__username", "department")) == {
        ("compliance", "法务部")
    }
    entry = RegisterEntry.objects.filter(event="handover").order_by("sequence").last()
    assert entry is not None and entry.actor_name == "clerk"  # who recorded it
    assert entry.data["from"] == "clerk2" and entry.data["to"] == "compliance"
    assert entry.data["from_department"] == "质量部" and entry.data["department"] == "法务部"
    assert [(s["role"], s["signer"]) for s in entry.data["signatures"]] == [
        ("handover_from", "clerk2"),
        ("handover_to", "compliance"),
    ]
    signed = {s.sha256 for s in HandSignature.objects.filter(role__startswith="handover")}
    assert {s["sha256"] for s in entry.data["signatures"]} <= signed
    audit = AuditEvent.objects.filter(action=events.CUSTODY_HANDED_OVER).order_by("sequence")
    assert audit.last().actor_name == "clerk"  # type: ignore[union-attr]
    # The register page shows both signatures of the handover, as images.
    page = client.get(reverse("lending:register")).content.decode()
    for s in entry.data["signatures"]:
        assert reverse("lending:signature", args=[entry.sequence, s["sha256"]]) in page
    # The printed and exported register carry it too.
    pdf = client.get(reverse("lending:register_export"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("lending:register_export") + "?format=csv").content.decode("utf-8-sig")
    assert "handover_from:clerk2:" in csv and "handover_to:compliance:" in csv
    assert register_verify() == []


@pytest.mark.django_db
@pytest.mark.parametrize("empty", ["from_signature", "to_signature"])
def test_both_must_sign(empty, users, customer, clerk):
    record = make_record(customer, title="未签原件")
    entries = RegisterEntry.objects.count()
    data = _form([record], clerk, users[roles.COMPLIANCE])
    client = client_for(clerk)
    for value in ("", _pad(blank_png())):  # never drawn, or sent empty
        data[empty] = value
        response = client.post(reverse("lending:handover"), data)
        assert response.status_code == 200
        assert "sign on the pad" in response.content.decode()
    assert RegisterEntry.objects.count() == entries and not Custody.objects.exists()


@pytest.mark.django_db
def test_the_screen_says_why_a_handover_is_refused(users, customer, clerk, clerk2):
    staff = users[roles.STAFF]
    client = client_for(clerk)
    record = make_record(customer, title="他人保管")
    custody_hand_over(
        records=[record],
        to_user=clerk2,
        actor=clerk,
        from_signature=signature_png(1),
        to_signature=signature_png(2),
    )
    # The clerk does not hold it any more: clerk2 does.
    compliance = users[roles.COMPLIANCE]
    response = client.post(reverse("lending:handover"), _form([record], clerk, compliance))
    assert "in the custody of clerk2" in response.content.decode()
    # Staff without a grant for this customer may not take it over.
    other = make_record(customer, title="无权限")
    response = client.post(reverse("lending:handover"), _form([other], clerk, staff))
    assert "staff may not see" in response.content.decode()
    # Nobody hands over to themselves; unknown references are named.
    response = client.post(reverse("lending:handover"), _form([other], clerk, clerk))
    assert "another active user" in response.content.decode()
    data = _form([other], clerk, clerk2, references="KH-0101-NOPE")
    assert (
        "No record KH-0101-NOPE" in client.post(reverse("lending:handover"), data).content.decode()
    )
    assert Custody.objects.get().record == record
    assert RegisterEntry.objects.filter(event="handover").count() == 1


@pytest.mark.django_db
def test_an_original_on_loan_or_in_the_archive_is_handed_over_only_by_who_may(
    users, customer, clerk, clerk2
):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    kept = make_record(customer, title="库存原件")
    # Staff hold nothing: an original in the archive leaves it through a clerk.
    with pytest.raises(ValidationError, match="kept in the archive"):
        custody_hand_over(
            records=[kept],
            from_user=staff,
            to_user=clerk2,
            actor=clerk,
            from_signature=signature_png(1),
            to_signature=signature_png(2),
        )
    lent = make_record(customer, title="借出原件")
    loan_out(lent, borrower=staff, approver=clerk, clerk=clerk)
    with pytest.raises(ValidationError, match="already on loan"):
        custody_hand_over(
            records=[lent],
            to_user=clerk2,
            actor=clerk,
            from_signature=signature_png(1),
            to_signature=signature_png(2),
        )
    # Someone without the lending right cannot record one at all.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        custody_hand_over(
            records=[kept],
            to_user=clerk2,
            actor=staff,
            from_signature=signature_png(1),
            to_signature=signature_png(2),
        )
    assert not Custody.objects.exists()


@pytest.mark.django_db
def test_the_handover_menu_entry_is_there_for_clerks_only(users):
    url = reverse("lending:handover")
    assert url in client_for(users[roles.CLERK]).get(reverse("wagtailadmin_home")).content.decode()
    for role in (roles.STAFF, roles.AUDITOR, roles.COMPLIANCE):
        home = client_for(users[role]).get(reverse("wagtailadmin_home")).content.decode()
        assert url not in home, role


# Staff hand back every dossier before leaving --------------------------------------------


def _bulk(action: str) -> str:
    return reverse("wagtail_bulk_action", args=["auth", "user", action])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "data"),
    [("set_active_state", {"mark_as_active": "False"}), ("delete", {})],
)
def test_the_user_lists_bulk_actions_refuse_a_user_with_an_original_out(
    action, data, users, customer, clerk
):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    admin = client_for(users[roles.ADMINISTRATOR])
    listing = reverse("wagtailusers_users:index")
    url = f"{_bulk(action)}?id={staff.pk}&next={listing}"
    response = admin.post(url, data, follow=True)
    staff.refresh_from_db()
    assert staff.is_active and get_user_model().objects.filter(pk=staff.pk).exists()
    assert loan.number in response.content.decode()
    # Once everything is back, they may be deactivated; deleted never, the register names them.
    loan_return(loan=loan, actor=clerk, signature=signature_png())
    response = admin.post(url, data, follow=True)
    staff.refresh_from_db()
    if action == "delete":
        assert "deactivate the account instead" in response.content.decode()
        assert staff.is_active
    else:
        assert not staff.is_active


@pytest.mark.django_db
def test_bulk_activation_and_other_users_are_not_held_up(users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    auditor = users[roles.AUDITOR]
    admin = client_for(users[roles.ADMINISTRATOR])
    # The auditor holds nothing: deactivated alone, fine.
    response = admin.post(
        f"{_bulk('set_active_state')}?id={auditor.pk}", {"mark_as_active": "False"}
    )
    auditor.refresh_from_db()
    assert response.status_code == 302 and not auditor.is_active
    # Marking active is never refused.
    response = admin.post(
        f"{_bulk('set_active_state')}?id={auditor.pk}&id={staff.pk}", {"mark_as_active": "True"}
    )
    auditor.refresh_from_db()
    assert response.status_code == 302 and auditor.is_active


@pytest.mark.django_db
def test_the_handover_screen_speaks_chinese(users, clerk, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = client_for(clerk)
    page = client.get(reverse("lending:handover"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("移交", "移交人签名", "接收人签名", "移交部门", "接收部门", "确认移交"):
        assert text in page, text
