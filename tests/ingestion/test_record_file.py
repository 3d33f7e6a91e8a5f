import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ingestion.originals import original_key
from ingestion.services import record_file
from tests.factories import file_pdf, make_pdf

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.MEDIA_ROOT / "originals"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_original_is_stored_under_its_sha256_unchanged(customer, clerk, settings):
    pdf = make_pdf()
    record = record_file(
        customer=customer,
        stream=io.BytesIO(pdf),
        filename="a.pdf",
        type="complaint",
        document_date=datetime.date(2024, 1, 1),
        actor=clerk,
    )
    assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    assert record.original_key == original_key(record.sha256)
    assert record.size == len(pdf)
    with default_storage.open(record.original_key, "rb") as handle:
        assert handle.read() == pdf
    assert record.title == "顾客投诉档案管理"  # no title given: the PDF's own title stands in


def test_type_comes_from_the_bytes_not_the_name(customer, clerk):
    record = record_file(
        customer=customer,
        stream=io.BytesIO(make_pdf()),
        filename="looks-like.txt",
        type="other",
        document_date=datetime.date(2024, 1, 1),
        actor=clerk,
    )
    assert record.mime_type == "application/pdf"


def test_failed_filing_removes_the_original_it_stored(customer, clerk, settings):
    customer.sealed = True
    customer.save()
    with pytest.raises(ValidationError):
        file_pdf(customer, actor=clerk)
    assert stored_files(settings) == []


def test_failed_filing_keeps_an_original_another_record_uses(customer, clerk, settings):
    kept = file_pdf(customer, actor=clerk)
    with pytest.raises(ValidationError):
        file_pdf(customer, actor=clerk, type="invoice")
    assert default_storage.exists(kept.original_key)


def test_text_layer_is_extracted_per_page_with_chinese_lines_joined(
    customer, clerk, django_capture_on_commit_callbacks
):
    long_line = "客户档案资料的管理主要是收集、整理、归档、保管及使用四个环节。" * 4
    with django_capture_on_commit_callbacks(execute=True):
        record = file_pdf(customer, actor=clerk, lines=[long_line])
    record.refresh_from_db()
    page = record.pages.get()
    assert record.page_count == 1 and record.state == "filed"
    assert long_line in page.text  # wrapped in the PDF, whole again in the text
    assert page.source == "text_layer"
