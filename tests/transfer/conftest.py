"""Records filed for real (a Chinese PDF, a scan image, an email with an attachment)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from ingestion.services import record_file
from tests.factories import make_pdf
from tests.ingestion.samples import gbk_email_with_pdf, image_bytes, scan_image


def file_bytes(customer: Any, actor: Any, data: bytes, name: str, **fields: Any) -> Any:
    fields.setdefault("type", "complaint")
    fields.setdefault("document_date", datetime.date(2024, 5, 6))
    return record_file(
        customer=customer, stream=io.BytesIO(data), filename=name, actor=actor, **fields
    )


@pytest.fixture
def dossier(clerk: Any, customer: Any) -> list[Any]:
    """Three 件 of one customer: a PDF, a scanned image (OCR) and an email (+ its PDF)."""
    pdf = file_bytes(customer, clerk, make_pdf(), "投诉登记.pdf", title="顾客投诉登记")
    scan = file_bytes(
        customer,
        clerk,
        image_bytes(scan_image(["顾客满意度调查表"]), "PNG"),
        "调查.png",
        type="survey",
        title="满意度调查",
    )
    email = file_bytes(customer, clerk, gbk_email_with_pdf(), "reply.eml", type="email")
    return [pdf, scan, email]


@pytest.fixture
def pdf_only(clerk: Any, customer: Any) -> Any:
    return file_bytes(customer, clerk, make_pdf(["合同一"]), "合同.pdf", type="contract")
