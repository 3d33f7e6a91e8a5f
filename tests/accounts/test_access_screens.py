"""Access on screen: clerks and administrators grant and revoke staff access to customers, set
clearances and owners; every change is an audited event in the chain; nobody changes its own;
everyone else is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.models import Clearance, Grant
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Customer
from records_dms.archive.selectors import customer_visible
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from tests.conftest import client_for
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

MANAGERS = [roles.CLERK, roles.ADMINISTRATOR]
OTHERS = [roles.AUDITOR, roles.COMPLIANCE, roles.STAFF]


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("sequence")


@pytest.mark.parametrize("role", MANAGERS)
def test_a_new_customer_is_granted_on_screen_and_staff_then_sees_it(role, users):
    new = CustomerFactory.create(code="KH-0777", name="新客户有限公司")
    staff = users[roles.STAFF]
    assert not customer_visible(user=staff, customer=new)
    client = client_for(users[role])
    # The new customer's page offers "grant access" (clerk; the administrator has no dossier
    # role to open it with ... but the access screen lists it).
    page = client.get(reverse("access:customer", args=[new.pk]))
    assert page.status_code == 200 and staff.username in page.content.decode()
    response = client.post(
        reverse("access:grant_add"), {"user": staff.pk, "customer": new.code}, follow=True
    )
    assert response.status_code == 200
    assert Grant.objects.filter(user=staff, customer=new).exists()
    assert customer_visible(user=staff, customer=new)
    event = _last(events.GRANT_CREATED)
    assert event.actor_id == users[role].pk and event.customer_code == "KH-0777"
    assert event.data["user"] == staff.username
    assert audit_chain_verify() == []


def test_the_dossier_page_of_a_new_customer_offers_grant_access(users):
    new = CustomerFactory.create(code="KH-0778", name="无人可见")
    page = client_for(users[roles.CLERK]).get(reverse("archive:dossier", args=[new.pk]))
    body = page.content.decode()
    assert reverse("access:customer", args=[new.pk]) in body
    assert "grant-access" in body
    # Not offered to who may not grant.
    page = client_for(users[roles.AUDITOR]).get(reverse("archive:dossier", args=[new.pk]))
    assert reverse("access:customer", args=[new.pk]) not in page.content.decode()


def test_revoke_clearance_and_owner_on_screen_each_audited(users, customer):
    clerk, staff = users[roles.CLERK], users[roles.STAFF]
    grant = grant_create(user=staff, customer=customer, actor=clerk)
    client = client_for(users[roles.ADMINISTRATOR])

    client.post(reverse("access:grant_revoke", args=[grant.pk]))
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert _last(events.GRANT_REVOKED).data["before"] == customer.code
    assert not customer_visible(user=staff, customer=customer)

    client.post(reverse("access:clearance", args=[staff.pk]), {"level": "confidential"})
    assert Clearance.objects.get(user=staff).level == "confidential"
    assert _last(events.CLEARANCE_SET).data == {
        "user": staff.username,
        "level": "confidential",
        "before": "internal",
        "after": "confidential",
    }

    client.post(reverse("access:owner", args=[customer.pk]), {"owner": staff.pk})
    assert Customer.objects.get(pk=customer.pk).owner_id == staff.pk
    owner_event = _last(events.CUSTOMER_UPDATED)
    assert owner_event.data["changes"]["owner"] == [None, staff.pk]
    assert customer_visible(user=staff, customer=customer)
    client.post(reverse("access:owner", args=[customer.pk]), {"owner": ""})
    assert Customer.objects.get(pk=customer.pk).owner_id is None
    assert audit_chain_verify() == []


def test_nobody_changes_its_own_access_on_screen(users, customer):
    admin = users[roles.ADMINISTRATOR]
    client = client_for(admin)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("access:grant_add"), {"user": admin.pk, "customer": customer.code}, follow=True
    )
    assert "another administrator must" in response.content.decode()
    client.post(reverse("access:clearance", args=[admin.pk]), {"level": "secret"})
    client.post(reverse("access:owner", args=[customer.pk]), {"owner": admin.pk})
    assert not Grant.objects.filter(user=admin).exists()
    assert not Clearance.objects.filter(user=admin, level="secret").exists()
    assert Customer.objects.get(pk=customer.pk).owner_id is None
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [*OTHERS, "anonymous"])
def test_others_are_refused_and_change_nothing(role, users, customer):
    staff = users[roles.STAFF]
    grant = grant_create(user=staff, customer=customer, actor=users[roles.CLERK])
    client = client_for(None if role == "anonymous" else users[role])
    before = AuditEvent.objects.count()
    posts: list[tuple[str, dict[str, Any]]] = [
        (reverse("access:grant_add"), {"user": staff.pk, "customer": "KH-0101"}),
        (reverse("access:grant_revoke", args=[grant.pk]), {}),
        (reverse("access:clearance", args=[staff.pk]), {"level": "secret"}),
        (reverse("access:owner", args=[customer.pk]), {"owner": staff.pk}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"] or response["Location"].endswith("/admin/")
    for url in (reverse("access:index"), reverse("access:customer", args=[customer.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert Clearance.objects.get(user=staff).level == "internal"
    assert Customer.objects.get(pk=customer.pk).owner_id is None
    assert AuditEvent.objects.count() == before


def test_the_access_screen_lists_users_with_their_grants(users, customer):
    grant_create(user=users[roles.STAFF], customer=customer, actor=users[roles.CLERK])
    body = client_for(users[roles.CLERK]).get(reverse("access:index")).content.decode()
    assert 'data-user="staff"' in body and 'data-customer="KH-0101"' in body
