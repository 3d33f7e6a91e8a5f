"""Silent escalation: an administrator could make itself a QMS auditor and read any record, and
nothing entered the hash-chained trail. Now every role, clearance and grant change is an audit
event (who, whom, before, after), and nobody changes its own (another administrator must)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import clearance_set, grant_create, user_roles_set
from records_dms.accounts.signals import acting_as
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(users: dict[str, Any]) -> tuple[Any, Any]:
    second = UserFactory.create(username="admin2", role=roles.ADMINISTRATOR)
    return users[roles.ADMINISTRATOR], second


def _edit(client: Any, user: Any, groups: list[str]) -> Any:
    form = {
        "username": user.username,
        "email": f"{user.username}@example.invalid",
        "first_name": "管理",
        "last_name": "员",
        "is_active": "on",
        "groups": [Group.objects.get(name=name).pk for name in groups],
    }
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), form, follow=True)


def _role_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=events.ROLES_CHANGED).order_by("sequence"))


def _roles(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def test_an_administrator_cannot_make_itself_an_auditor_on_the_user_screen(admins):
    admin, _second = admins
    already = len(_role_events())
    response = _edit(client_for(admin), admin, [roles.ADMINISTRATOR, roles.AUDITOR])
    assert response.status_code == 200
    assert "another administrator must" in response.content.decode()
    assert _roles(admin) == [roles.ADMINISTRATOR]
    assert len(_role_events()) == already


def test_another_administrator_can_and_the_change_is_in_the_chain(admins):
    admin, second = admins
    response = _edit(client_for(second), admin, [roles.ADMINISTRATOR, roles.AUDITOR])
    assert response.status_code == 200
    assert _roles(admin) == [roles.ADMINISTRATOR, roles.AUDITOR]
    event = _role_events()[-1]
    assert event.actor_id == second.pk and event.object_id == str(admin.pk)
    assert event.data == {
        "user": "admin",
        "before": [roles.ADMINISTRATOR],
        "after": [roles.ADMINISTRATOR, roles.AUDITOR],
    }
    assert audit_chain_verify() == []


def test_a_user_without_the_permission_cannot_use_the_screen(users, admins):
    admin, _second = admins
    already = len(_role_events())
    response = _edit(client_for(users[roles.STAFF]), admin, [roles.ADMINISTRATOR, roles.AUDITOR])
    assert response.redirect_chain and "/admin/" in response.redirect_chain[-1][0]
    assert _roles(admin) == [roles.ADMINISTRATOR]
    assert len(_role_events()) == already


def test_the_services_refuse_changes_to_oneself(users, admins, customer):
    admin, second = admins
    with pytest.raises(PermissionDenied, match="another administrator"):
        user_roles_set(user=admin, roles=[roles.AUDITOR], actor=admin)
    with pytest.raises(PermissionDenied):
        clearance_set(user=admin, level="secret", actor=admin)
    with pytest.raises(PermissionDenied):
        grant_create(user=admin, customer=customer, actor=admin)
    assert _roles(admin) == [roles.ADMINISTRATOR]
    user_roles_set(user=admin, roles=[roles.ADMINISTRATOR, roles.AUDITOR], actor=second)
    clearance_set(user=admin, level="secret", actor=second)
    assert _roles(admin) == [roles.ADMINISTRATOR, roles.AUDITOR]
    clearance = AuditEvent.objects.filter(action=events.CLEARANCE_SET).last()
    assert clearance is not None and clearance.actor_id == second.pk
    assert (clearance.data["before"], clearance.data["after"]) == ("internal", "secret")


def test_membership_changed_anywhere_is_audited_and_oneself_refused(users):
    """A Django shell, the group's side of the relation: the receiver sees every path."""
    staff, auditors = users[roles.STAFF], Group.objects.get(name=roles.AUDITOR)
    auditors.user_set.add(staff)
    event = _role_events()[-1]
    assert event.actor_name == "system"
    assert (event.data["before"], event.data["after"]) == (
        [roles.STAFF],
        [roles.AUDITOR, roles.STAFF],
    )
    # (Django changes membership without a savepoint of its own: the refusal spoils the
    # enclosing transaction, as it should, so the test gives it one.)
    with acting_as(staff), pytest.raises(PermissionDenied), transaction.atomic():
        staff.groups.remove(auditors)
    assert _roles(staff) == [roles.AUDITOR, roles.STAFF]
