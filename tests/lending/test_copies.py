"""Electronic copies: watermarked on every page and image, for the borrower only, until due."""

from __future__ import annotations

import datetime
import hashlib
import io

import pdfplumber
import pytesseract
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageChops

from ingestion.services import record_file
from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.audit.models import AuditEvent
from records_dms.common.pdfrender import render_scan_png, render_text_pdf
from records_dms.lending.models import LoanItem
from records_dms.lending.services import loan_return
from tests.conftest import client_for
from tests.factories import SEED_LINES, make_record
from tests.lending.helpers import loan_out, signature_png


@pytest.fixture
def staff(users, customer, clerk):
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    return users[roles.STAFF]


def _three_page_contract(customer, clerk):
    pdf = render_text_pdf("服务合同", [SEED_LINES[:2], SEED_LINES[2:], ["第三页:签字页"]])
    return record_file(
        customer=customer,
        stream=io.BytesIO(pdf),
        filename="服务合同.pdf",
        actor=clerk,
        type="contract",
        title="年度服务合同",
        document_date=datetime.date(2024, 1, 8),
    )


@pytest.mark.django_db
def test_every_page_of_a_lent_pdf_carries_borrower_time_and_reference(staff, customer, clerk):
    contract = _three_page_contract(customer, clerk)
    assert contract.page_count == 3
    loan = loan_out(contract, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    item = LoanItem.objects.get(loan=loan)
    response = client_for(staff).get(reverse("lending:copy", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    with pdfplumber.open(io.BytesIO(data)) as document:
        texts = [page.extract_text() or "" for page in document.pages]
    assert len(texts) == 3
    for text in texts:
        flat = text.replace("\n", " ")
        assert loan.number in flat and contract.reference in flat and "staff" in flat
        assert "Lent copy" in flat
    assert "顾客投诉处理过程中形成的记录" in texts[0].replace("\n", "")  # the content is intact
    event = AuditEvent.objects.filter(action="loan.copy_downloaded").get()
    assert event.actor == staff and loan.number in event.data["what"]
    # The original in storage is untouched.
    with default_storage.open(contract.original_key, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == contract.sha256


@pytest.mark.django_db
def test_a_lent_image_is_stamped_visibly(staff, customer, clerk):
    scan = render_scan_png(["电话记录:客户反映维修不及时。"], dpi=150)
    digest = hashlib.sha256(scan).hexdigest()
    key = default_storage.save(f"originals/{digest}.png", ContentFile(scan))
    record = make_record(
        customer,
        type="phone_record",
        title="电话记录",
        original={
            "key": key,
            "name": "call.png",
            "mime_type": "image/png",
            "size": len(scan),
            "sha256": digest,
        },
    )
    loan = loan_out(record, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    item = LoanItem.objects.get(loan=loan)
    response = client_for(staff).get(reverse("lending:copy", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    body = response.content
    stamped = Image.open(io.BytesIO(body)).convert("L")
    original = Image.open(io.BytesIO(scan)).convert("L")
    assert stamped.size == original.size
    assert ImageChops.difference(stamped, original).getbbox() is not None
    band = stamped.crop((0, stamped.height - 60, stamped.width, stamped.height))
    read = pytesseract.image_to_string(band.resize((band.width * 2, band.height * 2)), lang="eng")
    assert loan.number in read.replace(" ", ""), read


@pytest.mark.django_db
def test_access_ends_on_return_and_on_the_due_date_and_is_the_borrowers_only(
    users, staff, customer, clerk
):
    contract = _three_page_contract(customer, clerk)
    loan = loan_out(contract, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    item = LoanItem.objects.get(loan=loan)
    url = reverse("lending:copy", args=[item.pk])
    assert client_for(users[roles.AUDITOR]).get(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 404
    type(loan).objects.filter(pk=loan.pk).update(due_on=datetime.date(2020, 1, 1))
    assert client_for(staff).get(url).status_code == 404
    type(loan).objects.filter(pk=loan.pk).update(due_on=loan.due_on)
    assert client_for(staff).get(url).status_code == 200
    loan_return(loan=loan, actor=clerk, signature=None)  # no paper: no receiver signature needed
    assert client_for(staff).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="loan.copy_downloaded").count() == 1


@pytest.mark.django_db
def test_a_receiver_may_sign_the_return_of_an_electronic_copy(staff, customer, clerk):
    contract = _three_page_contract(customer, clerk)
    loan = loan_out(contract, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    loan_return(loan=loan, actor=clerk, signature=signature_png())
    entry = loan.entries.order_by("sequence").last()
    assert entry is not None and entry.data["signatures"][0]["role"] == "receiver"
