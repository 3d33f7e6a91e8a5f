"""A duplicate names the record it duplicates only to those who may see it: not when that
record is above the uploader's clearance or in a sealed dossier (issue 14, Leaks)."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ingestion.services import record_file
from records_dms.accounts import roles
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import CustomerFactory, UserFactory, make_pdf

HIDDEN = "already filed (a record you cannot see)"


def _file(customer: Any, clerk: Any, content: bytes, confidentiality: str) -> Any:
    return record_file(
        customer=customer,
        stream=io.BytesIO(content),
        filename="投诉登记.pdf",
        actor=clerk,
        type="complaint",
        title="顾客投诉登记",
        document_date=datetime.date(2024, 5, 6),
        confidentiality=confidentiality,
    )


def _upload_again(uploader: Any, content: bytes, capture: Any) -> tuple[dict[str, Any], str]:
    """Upload the same bytes to another customer; the status JSON and the jobs page."""
    other = CustomerFactory.create()
    client = client_for(uploader)
    batch = uuid.uuid4()
    with capture(execute=True):
        client.post(
            reverse("ingestion:upload", args=[other.pk]),
            {
                "record_type": "complaint",
                "confidentiality": "internal",
                "batch": str(batch),
                "file": SimpleUploadedFile("again.pdf", content),
            },
        )
    (job,) = client.get(reverse("ingestion:upload_status", args=[batch])).json()
    return job, client.get(reverse("ingestion:jobs")).content.decode()


@pytest.mark.django_db
def test_a_duplicate_of_a_record_above_the_clerks_clearance_is_not_named(
    customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = make_pdf(["机密合同:价格条款"])
    secret = _file(customer, clerk, content, "secret")
    low = UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")
    job, page = _upload_again(low, content, django_capture_on_commit_callbacks)
    assert job["status"] == "duplicate" and job["reason"] == HIDDEN
    assert job["reference"] is None and job["record_url"] is None
    assert secret.reference not in str(job) and secret.reference not in page
    assert HIDDEN in page
    # A clerk who may see it is told which record it is.
    job, page = _upload_again(clerk, content, django_capture_on_commit_callbacks)
    assert job["reason"] == f"already filed as {secret.reference}"


@pytest.mark.django_db
def test_a_duplicate_of_a_record_in_a_sealed_dossier_is_not_named(
    customer: Any, users: dict[str, Any], clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = make_pdf(["封存档案中的会议纪要"])
    sealed = _file(customer, clerk, content, "internal")
    dossier_seal(customer=customer, reason="诉讼保全", actor=users[roles.COMPLIANCE])
    job, page = _upload_again(clerk, content, django_capture_on_commit_callbacks)
    assert job["status"] == "duplicate" and job["reason"] == HIDDEN
    assert sealed.reference not in str(job) and sealed.reference not in page


def test_the_hidden_duplicate_message_is_translated() -> None:
    with translation.override("zh-hans"):
        assert gettext(HIDDEN) == "已归档(您无权查看的文件)"


def _api_upload(uploader: Any, content: bytes, capture: Any) -> str:
    """Upload through the API to a new customer; the job's status URL."""
    other = CustomerFactory.create()
    with capture(execute=True):
        response = client_for(uploader).post(
            reverse("api:record-list"),
            {"file": io.BytesIO(content), "customer": other.code, "type": "complaint"},
        )
    assert response.status_code == 202, response.content
    url: str = response.json()["status_url"]
    return url


@pytest.mark.django_db
def test_the_api_job_names_a_duplicate_only_to_who_may_see_it(
    customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = make_pdf(["机密合同:付款条款"])
    secret = _file(customer, clerk, content, "secret")
    low = UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")
    low_client = client_for(low)
    body = low_client.get(_api_upload(low, content, django_capture_on_commit_callbacks))
    job = body.json()
    assert job["status"] == "duplicate" and job["reason"] == HIDDEN
    assert job["reference"] is None and secret.reference not in body.content.decode()
    # A cleared clerk's job names the record; the same job read by the other clerk does not.
    url = _api_upload(clerk, content, django_capture_on_commit_callbacks)
    assert client_for(clerk).get(url).json()["reason"] == f"already filed as {secret.reference}"
    shown = low_client.get(url)
    assert shown.json()["reason"] == HIDDEN and secret.reference not in shown.content.decode()
    page = low_client.get(reverse("ingestion:jobs")).content.decode()
    assert secret.reference not in page and HIDDEN in page
