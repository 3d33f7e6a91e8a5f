import pytest

from records_dms.accounts import roles
from records_dms.accounts.policy import policy
from records_dms.accounts.services import grant_create
from records_dms.archive.permissions import ADD_RECORD, VIEW_CUSTOMER, VIEW_RECORD
from records_dms.archive.searching import search_scope
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.audit.permissions import VIEW_AUDIT
from tests.factories import CustomerFactory, UserFactory, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(customer):
    other = CustomerFactory.create(code="KH-0202")
    return {
        "internal": make_record(customer, confidentiality="internal"),
        "confidential": make_record(customer, confidentiality="confidential"),
        "secret": make_record(customer, confidentiality="secret"),
        "other": make_record(other, confidentiality="internal"),
    }


def test_staff_without_grant_sees_nothing(users, dossiers):
    staff = users[roles.STAFF]
    assert not visible_customers(user=staff).exists()
    assert not visible_records(user=staff).exists()
    assert search_scope(staff).customer_ids == frozenset()


def test_staff_sees_granted_customer_up_to_clearance(users, dossiers, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    policy.forget(staff)
    assert list(visible_customers(user=staff)) == [customer]
    assert set(visible_records(user=staff)) == {dossiers["internal"]}
    assert search_scope(staff).levels == frozenset({"internal"})


def test_staff_sees_customers_it_owns(users, dossiers, customer):
    staff = users[roles.STAFF]
    customer.owner = staff
    customer.save()
    assert list(visible_customers(user=staff)) == [customer]


def test_clearance_limits_archive_wide_roles_too(dossiers):
    auditor = UserFactory.create(username="junior", role=roles.AUDITOR, clearance="confidential")
    visible = set(visible_records(user=auditor))
    assert dossiers["secret"] not in visible
    assert {dossiers["internal"], dossiers["confidential"], dossiers["other"]} <= visible


def test_sealed_dossier_is_closed_to_all_but_compliance_and_auditors(users, dossiers, customer):
    customer.sealed = True
    customer.save()
    assert customer not in visible_customers(user=users[roles.CLERK])
    assert customer not in visible_customers(user=users[roles.STAFF])
    assert customer in visible_customers(user=users[roles.AUDITOR])
    assert customer in visible_customers(user=users[roles.COMPLIANCE])
    assert dossiers["secret"] in visible_records(user=users[roles.COMPLIANCE])


def test_roles_allow_only_their_actions(users):
    assert policy.has(users[roles.CLERK], ADD_RECORD)
    assert not policy.has(users[roles.AUDITOR], ADD_RECORD)
    assert policy.has(users[roles.AUDITOR], VIEW_AUDIT)
    assert not policy.has(users[roles.STAFF], VIEW_AUDIT)
    assert not policy.has(users[roles.ADMINISTRATOR], VIEW_RECORD)
    assert not visible_records(user=users[roles.ADMINISTRATOR]).exists()


def test_inactive_user_has_no_rights(users, dossiers):
    clerk = users[roles.CLERK]
    clerk.is_active = False
    clerk.save()
    policy.forget(clerk)
    assert not visible_records(user=clerk).exists()
    assert not policy.has(clerk, VIEW_CUSTOMER)
