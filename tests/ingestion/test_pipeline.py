"""Filing through the pipeline: text layers, OCR, emails, duplicates, crash recovery."""

import datetime
import io
from dataclasses import replace

import pdfplumber
import pytest
from django.core.files.storage import default_storage

from ingestion.models import IngestionJob, JobStatus
from ingestion.services import ingest_recover, ingest_run, ingest_submit
from records_dms.archive.models import Page, Record
from tests.factories import SEED_LINES, make_pdf
from tests.ingestion.samples import (
    gbk_email_with_pdf,
    image_bytes,
    scan_image,
    scanned_pdf,
    tiff_pages,
)

pytestmark = pytest.mark.django_db


def submit(customer, clerk, data: bytes, name: str, record_type: str = "complaint", **kw):
    return ingest_submit(
        customer=customer,
        stream=io.BytesIO(data),
        filename=name,
        actor=clerk,
        record_type=record_type,
        wait=True,
        **kw,
    )


def test_born_digital_pdf_keeps_its_exact_text_and_is_never_ocrd(customer, clerk):
    job = submit(
        customer, clerk, make_pdf(SEED_LINES), "投诉.pdf", document_date=datetime.date(2024, 5, 6)
    )
    assert job.status == JobStatus.FILED
    page = job.record.pages.get()
    assert page.source == "text_layer" and page.confidence is None
    for line in SEED_LINES:
        assert line in page.text
    assert job.record.rendition_key == ""  # no OCR pass, so no rendition


def test_scanned_png_is_ocrd_with_confidence_and_a_searchable_rendition(customer, clerk):
    job = submit(customer, clerk, image_bytes(scan_image(), "PNG"), "扫描件.png")
    assert job.status == JobStatus.FILED, job.reason
    page = job.record.pages.get()
    assert page.source == "ocr" and page.confidence > 70
    assert "保存期限为3年" in page.text  # no spaces left between Chinese characters
    with default_storage.open(job.record.rendition_key, "rb") as handle:
        rendition_text = pdfplumber.open(handle).pages[0].extract_text()  # type: ignore[arg-type]
    assert "投诉" in rendition_text.replace(" ", "")


def test_scanned_pdf_pages_are_ocrd(customer, clerk):
    job = submit(customer, clerk, scanned_pdf(pages=2), "scan.pdf")
    assert job.status == JobStatus.FILED, job.reason
    pages = list(job.record.pages.all())
    assert [p.source for p in pages] == ["ocr", "ocr"]
    assert all("重大投诉" in p.text for p in pages)
    assert job.record.rendition_key


def test_multi_page_tiff_gives_one_page_per_frame(customer, clerk):
    job = submit(customer, clerk, tiff_pages(3), "scan.tif")
    assert job.status == JobStatus.FILED, job.reason
    assert job.record.page_count == 3


def test_gbk_email_with_pdf_attachment_gives_two_linked_records(customer, clerk):
    job = submit(customer, clerk, gbk_email_with_pdf(), "reply.eml")
    assert job.status == JobStatus.FILED, job.reason
    email = job.record
    assert email.type == "email"
    assert email.title == "关于投诉处理的回复"
    assert email.document_date == datetime.date(2024, 5, 7)
    assert "王档案" in email.email_headers["from"]
    assert "一般保存期限为3年" in email.pages.get().text
    child = Record.objects.get(parent=email)
    assert child.original_name == "投诉处理记录.pdf"
    assert child.type == "complaint"
    assert "维修响应不及时" in child.pages.get().text


def test_same_file_twice_is_a_duplicate_stored_once(customer, clerk, settings):
    pdf = make_pdf()
    first = submit(customer, clerk, pdf, "a.pdf")
    second = submit(customer, clerk, pdf, "b.pdf")
    assert second.status == JobStatus.DUPLICATE
    assert second.record == first.record
    assert first.record.reference in second.reason
    assert Record.objects.count() == 1
    assert sum(1 for p in (settings.MEDIA_ROOT / "originals").rglob("*") if p.is_file()) == 1


def test_a_job_left_processing_by_a_killed_worker_is_completed(
    customer, clerk, django_capture_on_commit_callbacks
):
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(make_pdf()),
        filename="a.pdf",
        actor=clerk,
        record_type="minutes",
    )
    # The worker took it and was killed: no task result, the job stuck in processing.
    IngestionJob.objects.filter(pk=job.pk).update(status=JobStatus.PROCESSING)
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_recover() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FILED
    assert Record.objects.count() == 1


def test_running_a_finished_job_again_changes_nothing(customer, clerk):
    job = submit(customer, clerk, make_pdf(), "a.pdf")
    pages = Page.objects.count()
    again = ingest_run(str(job.pk))
    assert again.status == JobStatus.FILED and again.record == job.record
    assert Record.objects.count() == 1 and Page.objects.count() == pages


def test_failed_job_keeps_its_bytes_and_succeeds_on_retry(customer, clerk, settings):
    from ingestion.services import ingest_retry

    settings.INGESTION = replace(settings.INGESTION, tesseract_cmd="/nonexistent/tesseract")
    job = submit(customer, clerk, image_bytes(scan_image(), "PNG"), "scan.png")
    assert job.status == JobStatus.FAILED
    assert "tesseract" in job.reason.lower() or "No such file" in job.reason
    assert not Record.objects.exists()
    assert not any(p.is_file() for p in (settings.MEDIA_ROOT / "originals").rglob("*"))
    settings.INGESTION = replace(settings.INGESTION, tesseract_cmd="tesseract")
    job = ingest_retry(job, wait=True)
    assert job.status == JobStatus.FILED and job.record is not None
    assert job.record.pages.get().source == "ocr"
