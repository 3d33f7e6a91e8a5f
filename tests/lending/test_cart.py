"""The borrowing cart (借阅车): add, remove, empty, one loan request for all, and records that
went out of reach dropped and counted, never named."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.audit.models import AuditEvent
from records_dms.lending import events
from records_dms.lending.cart import cart_add, cart_empty, cart_remove, cart_request
from records_dms.lending.models import CartItem, Loan, LoanState
from records_dms.lending.selectors import cart_records
from records_dms.lending.services import loan_request
from tests.conftest import client_for
from tests.factories import make_record


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def staff(users, customer, clerk):
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    return users[roles.STAFF]


@pytest.fixture
def three(customer):
    return [make_record(customer, title=f"纪要{i}") for i in range(3)]


@pytest.mark.django_db
def test_add_twice_keeps_one_and_audits_once(staff, three):
    assert cart_add(actor=staff, record=three[0]) is True
    assert cart_add(actor=staff, record=three[0]) is False
    assert list(cart_records(staff)) == [three[0]]
    assert AuditEvent.objects.filter(action=events.CART_ADDED, actor=staff).count() == 1


@pytest.mark.django_db
def test_a_record_out_of_reach_cannot_be_added(staff, customer, users):
    secret = make_record(customer, title="机密合同", confidentiality="secret")
    with pytest.raises(ValidationError):
        cart_add(actor=staff, record=secret)
    with pytest.raises(PermissionDenied):
        cart_add(actor=users[roles.ADMINISTRATOR], record=secret)
    assert not CartItem.objects.exists()


@pytest.mark.django_db
def test_remove_and_empty(staff, three):
    for record in three:
        cart_add(actor=staff, record=record)
    assert cart_remove(actor=staff, record_id=three[0].pk) is True
    assert cart_remove(actor=staff, record_id=three[0].pk) is False
    assert set(cart_records(staff)) == set(three[1:])
    assert cart_empty(actor=staff) == 2
    assert not cart_records(staff).exists()
    assert AuditEvent.objects.filter(action=events.CART_EMPTIED).get().data["count"] == 2


@pytest.mark.django_db
def test_request_makes_one_loan_of_everything_and_empties_the_cart(staff, three):
    for record in three:
        cart_add(actor=staff, record=record)
    due = datetime.date.today() + datetime.timedelta(days=5)
    asked = cart_request(actor=staff, kind="paper", purpose="外审准备", due_on=due)
    loan = Loan.objects.get()
    assert asked.loan == loan and asked.dropped == 0
    assert loan.state == LoanState.REQUESTED and loan.borrower == staff and loan.due_on == due
    assert {item.record for item in loan.items.all()} == set(three)
    assert {item.kind for item in loan.items.all()} == {"paper"}
    assert not CartItem.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_a_refused_request_keeps_the_cart(staff, three):
    cart_add(actor=staff, record=three[0])
    with pytest.raises(ValidationError):
        cart_request(actor=staff, kind="paper", purpose="  ")
    with pytest.raises(ValidationError, match="没有电子副本"):
        cart_request(actor=staff, kind="electronic", purpose="外审")
    assert list(cart_records(staff)) == [three[0]]
    cart_empty(actor=staff)
    with pytest.raises(ValidationError, match="借阅车是空的"):
        cart_request(actor=staff, kind="paper", purpose="x")
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_records_out_of_reach_are_dropped_and_counted(staff, customer, clerk, three):
    for record in three:
        cart_add(actor=staff, record=record)
    other = Customer.objects.create(code="KH-0202", name="别家")
    grant_create(user=staff, customer=other, actor=clerk)
    sealed = make_record(other, title="封存档案")
    cart_add(actor=staff, record=sealed)
    Record.objects.filter(pk=three[0].pk).update(confidentiality="secret")  # reclassified
    Record.objects.filter(pk=three[1].pk).update(state=RecordState.DESTROYED)
    Customer.objects.filter(pk=other.pk).update(sealed=True)
    asked = cart_request(actor=staff, kind="paper", purpose="核对")
    assert asked.dropped == 3
    assert [item.record for item in asked.loan.items.all()] == [three[2]]
    dropped = AuditEvent.objects.get(action=events.CART_DROPPED)
    assert dropped.data == {"count": 3}  # no reference, no title
    assert not CartItem.objects.exists()


# --- the screens ---------------------------------------------------------------------------


def _zh(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_cart_screens_for_the_staff_member(staff, three):
    client = _zh(staff)
    record_page = reverse("archive:record", args=[three[0].pk])
    page = client.get(record_page)
    assert "加入借阅车".encode() in page.content
    for record in three[:2]:
        response = client.post(reverse("lending:cart_add", args=[record.pk]), {"next": record_page})
        assert response.status_code == 302 and response["Location"] == record_page
    assert "已在借阅车中".encode() in client.get(record_page).content
    response = client.post(
        reverse("lending:cart_add", args=[three[2].pk]), {"next": "//evil.example/"}
    )
    assert response["Location"] == record_page.replace(str(three[0].pk), str(three[2].pk))
    cart = client.get(reverse("lending:cart"))
    assert cart.status_code == 200
    assert (
        three[0].reference.encode() in cart.content
        and json.dumps("借阅车 (3)").encode() in cart.content
    )  # menu
    client.post(reverse("lending:cart_remove", args=[three[2].pk]))
    response = client.post(reverse("lending:cart"), {"kind": "electronic", "purpose": "x"})
    assert response.status_code == 200  # these records have no electronic copy: said, not lost
    assert "没有电子副本".encode() in response.content
    response = client.post(reverse("lending:cart"), {"kind": "paper", "purpose": "外审"})
    loan = Loan.objects.get()
    assert response["Location"] == reverse("lending:loan", args=[loan.pk])
    assert loan.items.count() == 2
    client.post(reverse("lending:cart_add", args=[three[0].pk]))
    cart = client.get(reverse("lending:cart"))
    assert loan.number.encode() in cart.content  # already on an open loan: said so
    client.post(reverse("lending:cart_empty"))
    assert not CartItem.objects.exists()


@pytest.mark.django_db
def test_dropped_records_are_counted_on_the_cart_page_never_named(staff, three):
    cart_add(actor=staff, record=three[0])
    cart_add(actor=staff, record=three[1])
    Record.objects.filter(pk=three[0].pk).update(confidentiality="secret", title="机密改名")
    page = _zh(staff).get(reverse("lending:cart"), follow=True)
    text = page.content.decode()
    assert "1 份文件您已无权查看" in text
    assert three[0].reference not in text and "机密改名" not in text
    assert three[1].reference in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, "anonymous"])
def test_cart_screens_refused_without_permission(role, users, customer, three):
    client = client_for(None if role == "anonymous" else users[role])
    for url in (
        reverse("lending:cart"),
        reverse("lending:cart_add", args=[three[0].pk]),
        reverse("lending:cart_remove", args=[three[0].pk]),
        reverse("lending:cart_empty"),
    ):
        response = client.post(url, {"kind": "paper", "purpose": "x"})
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "login" in response["Location"] or response["Location"].rstrip("/").endswith(
                "/admin"
            )
    assert (
        not CartItem.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="cart.").exists()
    )


@pytest.mark.django_db
def test_a_record_out_of_reach_is_404_and_gets_no_button(staff, customer, three):
    secret = make_record(customer, title="机密合同", confidentiality="secret")
    client = _zh(staff)
    assert client.post(reverse("lending:cart_add", args=[secret.pk])).status_code == 404
    Record.objects.filter(pk=three[0].pk).update(state=RecordState.DESTROYED)
    page = client.get(reverse("archive:record", args=[three[0].pk]))
    assert "加入借阅车".encode() not in page.content
    assert not CartItem.objects.exists()


@pytest.mark.django_db
def test_already_on_an_open_loan_is_said_when_adding(staff, three):
    loan = loan_request(actor=staff, items=[(three[0], "paper")], purpose="审核")
    response = _zh(staff).post(reverse("lending:cart_add", args=[three[0].pk]), follow=True)
    assert loan.number in response.content.decode()
