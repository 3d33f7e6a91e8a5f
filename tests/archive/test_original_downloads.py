"""Unwatermarked originals and searchable PDFs: clerks, auditors and compliance officers take
them directly (logged); staff only through a watermarked loan unless
DMS_STAFF_DOWNLOAD_ORIGINALS is on. Screens and API apply the same rule (issue 14, Leaks)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import file_pdf, make_pdf

DIRECT = (roles.CLERK, roles.AUDITOR, roles.COMPLIANCE)
URLS = ("archive:record_download", "archive:record_rendition", "api:record-download")


@pytest.fixture
def record(users: dict[str, Any], customer: Any, clerk: Any) -> Record:
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    record = file_pdf(customer, actor=clerk)
    key = default_storage.save(f"renditions/{record.sha256}.pdf", ContentFile(make_pdf()))
    Record.objects.filter(pk=record.pk).update(rendition_key=key)
    record.refresh_from_db()
    return record


def _statuses(user: Any, record: Record) -> dict[str, int]:
    """200, or "refused": the API's 403 or 404, the admin's redirect to its home page."""
    client = client_for(user)
    statuses = {}
    for name in URLS:
        response = client.get(reverse(name, args=[record.pk]))
        admin_home = response.status_code == 302 and response["Location"].endswith("/admin/")
        statuses[name] = 403 if admin_home else response.status_code
    return statuses


@pytest.mark.django_db
@pytest.mark.parametrize("role", DIRECT)
@pytest.mark.parametrize("staff_may", [False, True])
def test_clerks_auditors_and_compliance_download_originals_logged(
    users: dict[str, Any], record: Record, role: str, staff_may: bool, settings: Any
) -> None:
    settings.LENDING = replace(settings.LENDING, staff_download_originals=staff_may)
    user = users[role]
    assert set(_statuses(user, record).values()) == {200}
    assert AuditEvent.objects.filter(action="record.downloaded", actor=user).count() == 3
    page = client_for(user).get(reverse("archive:record", args=[record.pk])).content.decode()
    assert reverse("archive:record_download", args=[record.pk]) in page
    assert reverse("archive:record_rendition", args=[record.pk]) in page


@pytest.mark.django_db
def test_staff_get_originals_only_through_a_loan_by_default(
    users: dict[str, Any], record: Record
) -> None:
    staff = users[roles.STAFF]
    assert set(_statuses(staff, record).values()) == {403}
    assert not AuditEvent.objects.filter(action="record.downloaded").exists()
    page = client_for(staff).get(reverse("archive:record", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("archive:record_download", args=[record.pk]) not in html
    assert reverse("archive:record_rendition", args=[record.pk]) not in html


@pytest.mark.django_db
def test_staff_download_originals_when_the_setting_allows(
    users: dict[str, Any], record: Record, settings: Any
) -> None:
    settings.LENDING = replace(settings.LENDING, staff_download_originals=True)
    staff = users[roles.STAFF]
    assert set(_statuses(staff, record).values()) == {200}
    assert AuditEvent.objects.filter(action="record.downloaded", actor=staff).count() == 3
    html = client_for(staff).get(reverse("archive:record", args=[record.pk])).content.decode()
    assert reverse("archive:record_download", args=[record.pk]) in html


@pytest.mark.django_db
@pytest.mark.parametrize("staff_may", [False, True])
def test_administrators_never_download_originals(
    users: dict[str, Any], record: Record, staff_may: bool, settings: Any
) -> None:
    settings.LENDING = replace(settings.LENDING, staff_download_originals=staff_may)
    assert set(_statuses(users[roles.ADMINISTRATOR], record).values()) <= {403, 404}
