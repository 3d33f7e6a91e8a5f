"""The transfer register screen: read by clerks, compliance officers and auditors only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.transfer.services import Scope, transfer_export
from tests.conftest import client_for


@pytest.mark.django_db
def test_the_register_shows_transfers_to_those_allowed_and_refuses_the_rest(
    tmp_path, users, pdf_only
):
    entry = transfer_export(
        actor=users[roles.CLERK], target=tmp_path / "out", scope=Scope(year=2024)
    )
    url = reverse("transfer:register")
    for role in (roles.CLERK, roles.COMPLIANCE, roles.AUDITOR):
        page = client_for(users[role]).get(url)
        assert page.status_code == 200, role
        assert entry.digest in page.content.decode()
    for role in (roles.STAFF, roles.ADMINISTRATOR):
        refused = client_for(users[role]).get(url)  # Wagtail sends them back to its home
        assert (refused.status_code, refused["Location"]) == (302, "/admin/"), role
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(users[roles.CLERK]).post(url).status_code == 405
