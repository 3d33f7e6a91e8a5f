"""归档章 (DA/T 22-2015): a stamped copy top-right, the original untouched, reads audited."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.archive.stamping import record_stamped_pdf
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main
from records_dms.common.pdfrender import render_scan_png
from records_dms.common.pdfstamp import StampError, StampFields, pdf_stamp
from tests.conftest import client_for
from tests.factories import SEED_LINES, file_pdf, make_pdf, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def dat22(settings):
    settings.REFERENCES = dataclasses.replace(
        settings.REFERENCES, rule="dat22", fonds_code="Q001", class_code="type"
    )


@pytest.fixture
def filed(dat22, customer, clerk):
    return file_pdf(customer, actor=clerk)


def stamp_words(pdf: bytes) -> tuple[list[str], list[str], str]:
    """Words in the top-right quarter of page 1, words elsewhere, and the page's whole text."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        words = page.extract_words()
        corner = [
            w["text"] for w in words if w["x0"] > page.width / 2 and w["bottom"] < page.height / 4
        ]
        others = [w["text"] for w in words if w["text"] not in corner]
        return corner, others, page.extract_text()


def stored_sha256(key: str) -> str:
    with default_storage.open(key, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_stamp_fields_sit_top_right_and_the_original_stays_untouched(filed):
    assert filed.reference == "Q001-WS·2024-D3-TS-0001"
    before = stored_sha256(filed.original_key)
    stamped = record_stamped_pdf(filed)
    corner, _others, text = stamp_words(stamped)
    for field in ("全宗号", "Q001", "年度", "2024", "件号", "0001", "保管期限", "D3", "TS", "页数"):
        assert field in corner, (field, corner)
    assert "1" in corner  # 页数 of a one-page file
    assert SEED_LINES[3] in text.replace("\n", "")  # the page's own text is still there
    assert before == stored_sha256(filed.original_key) == filed.sha256
    assert hashlib.sha256(stamped).hexdigest() != filed.sha256
    assert len(PdfReader(io.BytesIO(stamped)).pages) == 1


def test_customer_form_stamps_its_number_and_dossier(customer, clerk, settings):
    settings.REFERENCES = dataclasses.replace(settings.REFERENCES, fonds_code="Q001")
    record = file_pdf(customer, actor=clerk)
    corner, _others, _text = stamp_words(record_stamped_pdf(record))
    assert record.reference == "KH-0101-TS-2024-0001"
    assert {"Q001", "2024", "0001", "KH-0101-TS", "D3"} <= set(corner)


def test_a_rotated_page_with_an_offset_box_is_stamped_where_a_reader_sees_top_right():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["旋转页面"]))))
    page = writer.pages[0]
    page.rotate(90)
    for box in (page.mediabox, page.cropbox):
        box.lower_left = (20, 30)
    source = io.BytesIO()
    writer.write(source)
    fields = StampFields(fonds="Q001", year="2023", number="0042", org="KF", period="D30")
    corner, _others, _text = stamp_words(pdf_stamp(source.getvalue(), fields, name="x"))
    assert {"Q001", "2023", "0042", "KF", "D30"} <= set(corner)


def test_an_image_original_gets_a_pdf_with_the_stamp(dat22, customer, clerk):
    png = render_scan_png(["扫描件"] * 24, dpi=100)  # about A4 at 100 dpi
    sha = hashlib.sha256(png).hexdigest()
    key = default_storage.save(f"originals/{sha[:2]}/{sha}.png", ContentFile(png))
    record = make_record(
        customer,
        type="survey",
        actor=clerk,
        original={
            "key": key,
            "name": "扫描.png",
            "mime_type": "image/png",
            "size": len(png),
            "sha256": sha,
        },
    )
    stamped = record_stamped_pdf(record)
    corner, _others, _text = stamp_words(stamped)
    assert {"Q001", "D3", "DC", "0001"} <= set(corner)
    assert PdfReader(io.BytesIO(stamped)).pages[0].images  # the scan itself is on the page
    assert stored_sha256(key) == sha


def test_records_without_a_pdf_or_image_are_refused_with_the_reason(dat22, customer):
    bare = make_record(customer)
    with pytest.raises(ValidationError, match="has no file to stamp"):
        record_stamped_pdf(bare)
    key = default_storage.save("originals/x/mail.eml", ContentFile(b"Subject: hi\r\n\r\nbody"))
    mail = make_record(
        customer,
        type="email",
        original={"key": key, "mime_type": "message/rfc822", "size": 20, "sha256": "0" * 64},
    )
    with pytest.raises(ValidationError, match="message/rfc822 file cannot carry a filing stamp"):
        record_stamped_pdf(mail)


def test_a_broken_pdf_is_refused_naming_it():
    fields = StampFields(fonds="", year="2024", number="0001", org="", period="Y")
    with pytest.raises(StampError, match="KH-1: not a readable PDF"):
        pdf_stamp(b"%PDF-1.4 garbage", fields, name="KH-1")


def test_record_page_offers_the_stamped_copy_and_logs_its_download(filed, users):
    clerk = client_for(users[roles.CLERK])
    page = clerk.get(reverse("archive:record", args=[filed.pk])).content.decode()
    url = reverse("archive:record_stamped", args=[filed.pk])
    assert url in page
    assert '<dd class="retention-class">D3</dd>' in page  # the 保管期限 the stamp shows
    response = clerk.get(url + "?purpose=归档检查")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''Q001-WS%C2%B72024-D3-TS-0001" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="record.downloaded").get()
    assert event.data == {"reference": filed.reference, "what": "stamped_pdf"}
    assert event.purpose == "归档检查" and event.actor_name == "clerk"


def test_stamped_copy_refused_without_permission_and_for_a_bare_record(filed, users, customer):
    url = reverse("archive:record_stamped", args=[filed.pk])
    refused = client_for(users[roles.ADMINISTRATOR]).get(url)  # Wagtail: back to the dashboard
    assert refused.status_code == 302 and refused["Location"].rstrip("/").endswith("/admin")
    assert client_for(users[roles.STAFF]).get(url).status_code == 404  # not granted KH-0101
    bare = make_record(customer)
    response = client_for(users[roles.CLERK]).get(
        reverse("archive:record_stamped", args=[bare.pk]), follow=True
    )
    assert "has no file to stamp" in response.content.decode()
    assert not AuditEvent.objects.filter(action="record.downloaded").exists()


def test_api_serves_the_stamped_pdf_to_readers_only(filed, users, customer):
    def api(role: str) -> APIClient:
        client = APIClient()
        token, _created = Token.objects.get_or_create(user=users[role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    url = f"/api/v1/records/{filed.pk}/stamped.pdf/"
    response = api(roles.AUDITOR).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    corner, _others, _text = stamp_words(body)
    assert "Q001" in corner
    assert api(roles.ADMINISTRATOR).get(url).status_code == 404  # administrators see no record
    bare = make_record(customer)
    refused = api(roles.AUDITOR).get(f"/api/v1/records/{bare.pk}/stamped.pdf/")
    assert refused.status_code == 400 and "no file to stamp" in refused.json()["detail"][0]


def test_dms_stamp_writes_the_file_and_logs_the_read(filed, tmp_path, capsys):
    out = tmp_path / "stamped.pdf"
    assert main(["stamp", filed.reference, str(out), "--as", "clerk", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "Q001" in stamp_words(out.read_bytes())[0]
    event = AuditEvent.objects.get(action="record.downloaded")
    assert event.actor_name == "clerk" and event.data["what"] == "cli stamp"
    assert main(["stamp", filed.reference, str(out), "--as", "admin"]) == 1
    assert main(["stamp", "Q001-WS·2024-D3-TS-9999", str(out)]) == 1
    assert main(["stamp", filed.reference, str(tmp_path / "no" / "x.pdf")]) == 1


def test_a_page_inflating_to_a_bomb_is_refused_not_decoded():
    """pypdf stops a stream at 75 MB: the stamp refuses the file instead of filling memory."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    plain = DecodedStreamObject()
    plain.set_data(b" " * (80 * 1024 * 1024))
    page[NameObject("/Contents")] = writer._add_object(plain.flate_encode())
    bomb = io.BytesIO()
    writer.write(bomb)
    assert len(bomb.getvalue()) < 1024 * 1024
    fields = StampFields(fonds="Q001", year="2024", number="0001", org="", period="Y")
    with pytest.raises(StampError, match=r"bomb\.pdf: not a readable PDF \(Limit reached"):
        pdf_stamp(bomb.getvalue(), fields, name="bomb.pdf")


def test_a_scan_is_stamped_on_its_searchable_pdf(filed):
    """A scan's OCR pass leaves a searchable PDF: that is the copy stamped, not the image."""
    rendition = make_pdf(["可检索的副本"])
    key = default_storage.save(f"renditions/{filed.sha256}.pdf", ContentFile(rendition))
    Record.objects.filter(pk=filed.pk).update(rendition_key=key)
    filed.refresh_from_db()
    corner, _others, text = stamp_words(record_stamped_pdf(filed))
    assert "可检索的副本" in text and "Q001" in corner
    assert stored_sha256(key) == hashlib.sha256(rendition).hexdigest()
