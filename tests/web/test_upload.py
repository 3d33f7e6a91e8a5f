"""The multi-file upload screen: one POST per file, a job each, watched through a status URL."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ingestion.models import IngestionJob, JobStatus
from ingestion.services import ingest_submit
from records_dms.accounts import roles
from records_dms.archive.models import Record
from tests.conftest import client_for
from tests.factories import CustomerFactory, make_pdf

pytestmark = pytest.mark.django_db


def post_file(client, customer, batch, name, content, **fields):
    data = {
        "record_type": "complaint",
        "confidentiality": "internal",
        "batch": str(batch),
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(reverse("ingestion:upload", args=[customer.pk]), data)


def test_upload_page_has_a_drop_zone_and_a_multiple_file_input(customer, clerk):
    html = client_for(clerk).get(reverse("ingestion:upload", args=[customer.pk])).content.decode()
    assert 'id="upload-drop"' in html
    assert '<input type="file" id="upload-files" name="upload_files" multiple>' in html
    assert 'id="upload-jobs"' in html
    assert 'name="record_type"' in html
    assert 'type="date"' in html


def test_dossier_offers_the_upload_to_clerks_only(customer, users):
    url = reverse("archive:dossier", args=[customer.pk])
    upload = reverse("ingestion:upload", args=[customer.pk])
    assert upload in client_for(users[roles.CLERK]).get(url).content.decode()
    assert upload not in client_for(users[roles.AUDITOR]).get(url).content.decode()


def test_uploaded_files_are_filed_or_rejected_and_reported_by_batch(
    customer, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        pdf = post_file(client, customer, batch, "投诉登记.pdf", make_pdf(), title="三月投诉")
    with django_capture_on_commit_callbacks(execute=True):
        empty = post_file(client, customer, batch, "empty.pdf", b"")

    assert pdf.status_code == 200
    # The POST answers with the job as it was queued; the worker (here: at commit) files it.
    assert pdf.json()["file"] == "投诉登记.pdf"
    assert pdf.json()["status"] == JobStatus.QUEUED
    assert empty.status_code == 200
    assert empty.json()["status"] == JobStatus.REJECTED
    assert "empty" in empty.json()["reason"]

    response = client.get(reverse("ingestion:upload_status", args=[batch]))
    assert response.status_code == 200
    filed, rejected = response.json()
    record = Record.objects.get(customer=customer)
    assert filed == {
        "id": pdf.json()["id"],
        "file": "投诉登记.pdf",
        "status": "filed",
        "status_label": "Filed",
        "reason": "",
        "reference": record.reference,
        "record_url": reverse("archive:record", args=[record.pk]),
        "duplicate": False,
        "depth": 0,
    }
    assert record.title == "三月投诉"
    assert record.type == "complaint"
    assert record.channel == "upload"
    assert rejected["id"] == empty.json()["id"]
    assert rejected["status"] == "rejected"
    assert "empty" in rejected["reason"]
    assert rejected["reference"] is None
    assert rejected["record_url"] is None


def test_the_same_file_again_is_reported_as_a_duplicate(
    customer, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    batch = uuid.uuid4()
    content = make_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, customer, batch, "a.pdf", content)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, customer, batch, "b.pdf", content)
    first, second = client.get(reverse("ingestion:upload_status", args=[batch])).json()
    assert first["status"] == "filed"
    assert second["status"] == "duplicate"
    assert second["duplicate"] is True
    assert second["reference"] == first["reference"]


def test_an_invalid_form_is_a_400_with_the_errors(customer, clerk):
    response = post_file(
        client_for(clerk), customer, uuid.uuid4(), "a.pdf", make_pdf(), record_type="nonsense"
    )
    assert response.status_code == 400
    assert "record_type" in response.json()["errors"]
    response = client_for(clerk).post(
        reverse("ingestion:upload", args=[customer.pk]), {"record_type": "minutes"}
    )
    assert response.status_code == 400
    assert {"batch", "file", "confidentiality"} <= set(response.json()["errors"])
    assert not IngestionJob.objects.exists()


@pytest.mark.parametrize(
    "role", [roles.AUDITOR, roles.COMPLIANCE, roles.STAFF, roles.ADMINISTRATOR]
)
def test_other_roles_cannot_upload_or_watch(role, users, customer):
    client = client_for(users[role])
    batch = uuid.uuid4()
    response = post_file(client, customer, batch, "a.pdf", make_pdf())
    assert response.status_code in (302, 403, 404)
    assert not IngestionJob.objects.exists()
    response = client.get(reverse("ingestion:upload_status", args=[batch]))
    assert response.status_code in (302, 403, 404)


def _queued_job(customer, clerk, django_capture_on_commit_callbacks):
    # Queued, but the worker never ran it (its callback was captured and not executed).
    with django_capture_on_commit_callbacks(execute=False):
        job = ingest_submit(
            customer=customer,
            stream=io.BytesIO(make_pdf()),
            filename="重试.pdf",
            actor=clerk,
            record_type="minutes",
        )
    return job


def test_a_failed_job_is_retried(customer, clerk, django_capture_on_commit_callbacks):
    job = _queued_job(customer, clerk, django_capture_on_commit_callbacks)
    IngestionJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, reason="OSError: x")
    client = client_for(clerk)
    url = reverse("ingestion:job_retry", args=[job.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == JobStatus.QUEUED
    job.refresh_from_db()
    assert job.status == JobStatus.FILED


def test_jobs_of_invisible_customers_are_404_and_not_listed(
    clerk, django_capture_on_commit_callbacks
):
    sealed = CustomerFactory.create()
    job = _queued_job(sealed, clerk, django_capture_on_commit_callbacks)
    IngestionJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    sealed.sealed = True
    sealed.save()
    client = client_for(clerk)
    assert client.post(reverse("ingestion:job_retry", args=[job.pk])).status_code == 404
    assert IngestionJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert client.get(reverse("ingestion:upload_status", args=[job.batch])).json() == []
    response = post_file(client, sealed, uuid.uuid4(), "a.pdf", make_pdf())
    assert response.status_code == 404


@pytest.mark.django_db
def test_ingestion_queue_lists_failures_and_retries_them(
    customer, clerk, settings, django_capture_on_commit_callbacks
):
    from tests.ingestion.samples import image_bytes, scan_image

    settings.INGESTION = replace(settings.INGESTION, tesseract_cmd="/nonexistent/tesseract")
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(image_bytes(scan_image(), "PNG")),
        filename="扫描.png",
        actor=clerk,
        record_type="minutes",
        wait=True,
    )
    assert job.status == "failed"
    client = client_for(clerk)
    html = client.get(reverse("ingestion:jobs"), {"status": "failed"}).content.decode()
    assert "扫描.png" in html and 'data-status="failed"' in html
    settings.INGESTION = replace(settings.INGESTION, tesseract_cmd="tesseract")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ingestion:job_retry", args=[job.pk]), {"next": reverse("ingestion:jobs")}
        )
    assert response.status_code == 302 and response["Location"] == reverse("ingestion:jobs")
    job.refresh_from_db()
    assert job.status == "filed"


def test_a_batch_can_be_filed_into_a_volume_of_this_dossier_only(
    customer, clerk, django_capture_on_commit_callbacks
):
    """Issue 15: the upload offers the dossier's volumes; another dossier's is refused."""
    from records_dms.archive.services import volume_create

    volume = volume_create(customer=customer, title="2024年投诉", actor=clerk)
    other = volume_create(customer=CustomerFactory.create(), title="别家的卷", actor=clerk)
    client = client_for(clerk)
    page = client.get(reverse("ingestion:upload", args=[customer.pk])).content.decode()
    assert 'name="volume"' in page and "2024年投诉" in page and "别家的卷" not in page
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        filed = post_file(client, customer, batch, "a.pdf", make_pdf(), volume=str(volume.pk))
    assert filed.status_code == 200
    assert Record.objects.get().volume == volume
    refused = post_file(client, customer, batch, "b.pdf", make_pdf(["另一份"]), volume=other.pk)
    assert refused.status_code == 400 and "volume" in refused.json()["errors"]
    assert Record.objects.count() == 1
