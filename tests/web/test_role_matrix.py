"""Every admin view and API endpoint of the archive, for every role and for anonymous users.

The URL list is read from the resolver, so a view added without an entry here fails the test.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ingestion.models import IngestionJob
from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Record, SearchRebuild
from records_dms.archive.services import complaint_open
from records_dms.audit.models import AuditEvent
from records_dms.lending.services import loan_request
from tests.conftest import client_for
from tests.factories import file_pdf, make_pdf, make_record

OURS = (
    "archive:",
    "ingestion:",
    "audit:",
    "customers:",
    "api:",
    "reports:",
    "inspection:",
    "transfer:",
    "access:",
)
CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN = (
    roles.CLERK,
    roles.AUDITOR,
    roles.COMPLIANCE,
    roles.STAFF,
    roles.ADMINISTRATOR,
)
EVERYONE = {CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN}
READERS = {CLERK, AUDITOR, COMPLIANCE, STAFF}
# Unwatermarked originals: staff take them only through a loan (DMS_STAFF_DOWNLOAD_ORIGINALS).
DOWNLOADERS = {CLERK, AUDITOR, COMPLIANCE}

# url name -> (roles allowed to GET it, kwargs key)
EXPECTED_GET: dict[str, tuple[set[str], str]] = {
    "archive:dossier": (EVERYONE, "customer"),
    "archive:record_file": ({CLERK}, "customer"),
    "ingestion:upload": ({CLERK}, "customer"),
    "ingestion:upload_status": ({CLERK}, "batch"),
    "ingestion:job_retry": ({CLERK}, "job"),  # POST only: the clerk's GET is 405
    "archive:complaint_open": ({CLERK}, "customer"),
    "archive:complaint_edit": ({CLERK}, "complaint"),
    "archive:record": (READERS, "record"),
    "archive:record_edit": ({CLERK}, "record"),
    "archive:record_download": (DOWNLOADERS, "record"),
    "archive:record_rendition": (DOWNLOADERS, "record"),
    "archive:record_stamped": (DOWNLOADERS, "record"),
    # Page images are read like the text: staff too, whatever DMS_STAFF_DOWNLOAD_ORIGINALS says.
    "archive:record_page_image": (READERS, "page"),
    "ingestion:jobs": ({CLERK}, ""),
    "audit:audit": ({AUDITOR, COMPLIANCE}, ""),
    "audit:audit_export": ({AUDITOR}, ""),
    "access:index": ({CLERK, ADMIN}, ""),
    "access:customer": ({CLERK, ADMIN}, "customer"),
    "access:owner": ({CLERK, ADMIN}, "customer"),  # POST only
    "access:grant_add": ({CLERK, ADMIN}, ""),  # POST only
    "access:grant_revoke": ({CLERK, ADMIN}, "grant"),  # POST only
    "access:clearance": ({CLERK, ADMIN}, "user"),  # POST only
    "archive:search": (READERS, ""),
    "archive:reindex": ({ADMIN}, ""),
    "archive:reindex_status": ({ADMIN}, "rebuild"),
    "customers:index": (EVERYONE, ""),
    "customers:index_results": (EVERYONE, ""),
    "customers:add": ({CLERK}, ""),
    "customers:edit": ({CLERK}, "customer"),
    "api:api-root": (EVERYONE, ""),
    "api:schema": (EVERYONE | {"anonymous"}, ""),
    "api:customer-list": (EVERYONE, ""),
    "api:customer-detail": (EVERYONE, "code"),
    "api:record-list": (EVERYONE, ""),  # trimmed to nothing for administrators
    "api:record-detail": (READERS, "record"),
    "api:record-download": (DOWNLOADERS, "record"),
    "api:record-stamped": (DOWNLOADERS, "record"),
    "api:job-detail": ({CLERK}, "job"),  # an upload's job: who may file
    "api:token": (set(), ""),  # POST only
    "api:search": (READERS, ""),
    "api:loan-list": (EVERYONE, ""),  # trimmed to their own loans (none for administrators)
    "api:loan-detail": (READERS, "loan"),  # staff: as its borrower
    "api:loan-approve": ({CLERK, COMPLIANCE}, "loan"),  # POST only
    "api:loan-refuse": ({CLERK, COMPLIANCE}, "loan"),  # POST only
    "api:loan-checkout": ({CLERK}, "loan"),  # POST only
    "api:loan-return": ({CLERK}, "loan"),  # POST only
    "reports:complaints": (READERS, ""),
    "reports:complaints_export": ({AUDITOR}, ""),
    "reports:satisfaction": (READERS, ""),
    "reports:survey_edit": ({CLERK}, "survey"),
    "reports:catalogues": ({AUDITOR}, ""),
    "reports:catalogue_export": ({AUDITOR}, "customer"),
    "reports:summary": (READERS, ""),
    "reports:summary_export": ({AUDITOR}, ""),
    "api:inspection-list": ({CLERK, AUDITOR, COMPLIANCE}, ""),
    "api:inspection-detail": ({CLERK, AUDITOR, COMPLIANCE}, "inspection"),
    "inspection:list": ({CLERK, AUDITOR, COMPLIANCE}, ""),
    "transfer:register": ({CLERK, AUDITOR, COMPLIANCE}, ""),
    "inspection:inspection": ({CLERK, AUDITOR, COMPLIANCE}, "inspection"),
    "inspection:report": ({CLERK, AUDITOR, COMPLIANCE}, "report"),
    "inspection:run": ({CLERK, COMPLIANCE}, ""),  # POST only (tests/inspection: refused POSTs)
}
# Allowed roles get 405 for a GET of these; the rest are refused before the method matters.
POST_ONLY = {
    "ingestion:job_retry",
    "inspection:run",
    "access:owner",
    "access:grant_add",
    "access:grant_revoke",
    "access:clearance",
    "api:loan-approve",
    "api:loan-refuse",
    "api:loan-checkout",
    "api:loan-return",
}
ROLES = [CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN, "anonymous"]


def our_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                # Retention's API has its own matrix (tests/retention/test_api.py).
                if name.startswith(OURS) and not name.startswith("api:retention-"):
                    names.add(name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_of_ours_has_an_expectation():
    assert our_url_names() == set(EXPECTED_GET)


@pytest.fixture
def world(users, customer, clerk):
    grant = grant_create(user=users[STAFF], customer=customer, actor=clerk)
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="维修慢",
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
    )
    record = file_pdf(customer, actor=clerk, complaint=case)
    survey = make_record(customer, type="survey", title="满意度调查", actor=clerk)
    job = IngestionJob.objects.get(record=record)
    # A searchable PDF as a scan's OCR pass leaves one (OCR itself is tested elsewhere).
    key = default_storage.save(f"renditions/{record.sha256}.pdf", ContentFile(make_pdf()))
    Record.objects.filter(pk=record.pk).update(rendition_key=key)
    return {
        "customer": customer.pk,
        "record": record.pk,
        "complaint": case.pk,
        "code": customer.code,
        "batch": job.batch,
        "job": job.pk,
        "loan": loan_request(actor=users[STAFF], items=[(record, "paper")], purpose="审核").pk,
        "survey": survey.pk,
        "inspection": record.inspections.get().pk,  # the check at filing
        "grant": grant.pk,
        "user": users[STAFF].pk,
        "rebuild": SearchRebuild.objects.create(total=1).pk,
    }


def url_for(name: str, key: str, world: dict[str, Any]) -> str:
    if not key:
        return reverse(name)
    if key == "page":
        return reverse(name, kwargs={"pk": world["record"], "number": 1}) + "?size=thumb"
    if key == "report":
        return reverse(name, kwargs={"pk": world["inspection"], "fmt": "xlsx"})
    kwarg = key if key in ("code", "batch") else "pk"
    return reverse(name, kwargs={kwarg: world[key]})


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code in (401, 403) or (
            response.status_code == 302 and "/login/" in response["Location"]
        )
    # Objects outside a user's reach are 404 so their existence does not leak.
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    for name, (allowed, key) in EXPECTED_GET.items():
        response = client.get(url_for(name, key, world))
        if role in allowed:
            expected = 405 if name in POST_ONLY else 200
            assert response.status_code == expected, (name, role, response.status_code)
        elif name == "api:token":
            assert response.status_code == 405, (name, role)
        else:
            assert refused(response, role), (name, role, response.status_code)


WRITES: dict[str, tuple[str, dict[str, Any]]] = {
    "archive:record_file": (
        "customer",
        {
            "type": "minutes",
            "title": "x",
            "document_date": "2024-01-01",
            "confidentiality": "internal",
        },
    ),
    "ingestion:upload": (
        "customer",
        {
            "record_type": "minutes",
            "confidentiality": "internal",
            "batch": "6f1c1c3e-3b1a-4d2e-9c7a-0b7e2f1d9a11",
            "file": b"%PDF-1.4 not filed",  # posted as a file named upload.pdf
        },
    ),
    "ingestion:job_retry": ("job", {}),
    "archive:complaint_open": (
        "customer",
        {"subject": "x", "channel": "direct", "severity": "normal", "opened_on": "2024-01-01"},
    ),
    "archive:complaint_edit": ("complaint", {"subject": "改", "severity": "major"}),
    "archive:record_edit": (
        "record",
        {
            "title": "改",
            "type": "complaint",
            "document_date": "2024-01-01",
            "received_date": "2024-01-01",
            "channel": "upload",
            "confidentiality": "internal",
            "language": "zh-hans",
        },
    ),
    "customers:add": (
        "",
        {"code": "KH-9999", "name": "新客户", "kind": "enterprise", "status": "active"},
    ),
    "customers:edit": ("customer", {"name": "改名", "kind": "enterprise", "status": "active"}),
    "reports:survey_edit": (
        "survey",
        {
            "answers-TOTAL_FORMS": "1",
            "answers-INITIAL_FORMS": "0",
            "answers-0-question": "服务态度",
            "answers-0-score": "90",
        },
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [AUDITOR, COMPLIANCE, STAFF, ADMIN, "anonymous"])
def test_refused_writes_change_nothing(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    before = AuditEvent.objects.count()
    jobs_before = IngestionJob.objects.count()
    for name, (key, data) in WRITES.items():
        files = {k: SimpleUploadedFile("upload.pdf", v) for k, v in data.items() if k == "file"}
        response = client.post(url_for(name, key, world), {**data, **files})
        assert refused(response, role), (name, role, response.status_code)
    assert IngestionJob.objects.count() == jobs_before
    response = client.post(reverse("api:record-list"), {"customer": "KH-0101", "type": "minutes"})
    assert response.status_code in (401, 403), role
    # Nothing was written, not even an audit event.
    assert AuditEvent.objects.count() == before
