"""A download never comes back under an HTML (or any foreign) extension: the name's extension
is the one of the type the archive detected, and the header is built safely (issue 14)."""

from __future__ import annotations

import datetime
import io
from email.message import Message
from typing import Any

import pytest
from django.urls import reverse

from ingestion.services import record_file
from records_dms.common.files import download_name
from tests.conftest import client_for

TEXT = "电话记录:客户反映维修不及时,已安排上门。\n".encode() * 3


def _filename(disposition: str) -> str | None:
    message = Message()
    message["Content-Disposition"] = disposition
    return message.get_filename()


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("notes.html", "text/plain", "notes.html.txt"),
        ('a"; filename=evil.html', "text/plain", "a__ filename_evil.html.txt"),
        ("合同.pdf", "application/pdf", "合同.pdf"),
        ("scan.JPEG", "image/jpeg", "scan.JPEG"),
        ("scan.svg", "image/png", "scan.svg.png"),
        ("../../x.htm", "application/pdf", "_.._x.htm.pdf"),
        ("", "message/rfc822", "download.eml"),
        ("x\r\nSet-Cookie: a=b", "text/plain", "xSet-Cookie_ a_b.txt"),
    ],
)
def test_download_name_takes_the_extension_of_the_detected_type(
    name: str, content_type: str, expected: str
) -> None:
    assert download_name(name, content_type) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["notes.html", 'a"; filename=evil.html'])
def test_a_text_original_named_html_downloads_as_txt(
    customer: Any, clerk: Any, client_name: str
) -> None:
    record = record_file(
        customer=customer,
        stream=io.BytesIO(TEXT),
        filename=client_name,
        actor=clerk,
        type="phone_record",
        title="电话记录",
        document_date=datetime.date(2024, 5, 6),
    )
    assert record.mime_type == "text/plain"
    for url in ("archive:record_download", "api:record-download"):  # screens and API alike
        response = client_for(clerk).get(reverse(url, args=[record.pk]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        filename = _filename(disposition)
        assert filename is not None and filename.endswith(".txt"), (url, disposition)
        assert disposition.count("filename=") == 1
        assert '";' not in disposition.split("filename=")[1]
        assert response["Content-Type"].startswith("text/plain")
        assert response["X-Content-Type-Options"] == "nosniff"
