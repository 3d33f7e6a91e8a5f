"""Exports open and contain the expected rows; each one is in the audit trail."""

from __future__ import annotations

import csv
import datetime
import io

import pdfplumber
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from records_dms.accounts import roles
from records_dms.archive.models import ComplaintChannel, Severity
from records_dms.archive.services import complaint_open, complaint_update, volume_create
from records_dms.audit.models import AuditEvent
from records_dms.reports import events
from tests.conftest import client_for
from tests.factories import make_record


@pytest.fixture
def dossier(customer, clerk):
    """Two volumes filed out of date order, a loose record, and both kinds of complaint."""
    volume = volume_create(customer=customer, title="2024年度往来文件", actor=clerk)
    june = make_record(
        customer, title="六月会议纪要", document_date=datetime.date(2024, 6, 10), volume=volume
    )
    march = make_record(
        customer,
        title="三月合同",
        type="contract",
        document_date=datetime.date(2024, 3, 2),
        volume=volume,
    )
    loose = make_record(
        customer, title="电话记录", type="phone_record", document_date=datetime.date(2024, 1, 5)
    )
    forwarded = complaint_open(
        customer=customer,
        channel=ComplaintChannel.FORWARDED_ONLINE,
        subject="网上投诉:噪音",
        opened_on=datetime.date(2024, 4, 1),
        actor=clerk,
    )
    complaint_update(
        complaint=forwarded, closed_on=datetime.date(2024, 4, 11), outcome="已整改", actor=clerk
    )
    direct = complaint_open(
        customer=customer,
        channel=ComplaintChannel.DIRECT,
        subject="主轴异响",
        opened_on=datetime.date(2024, 5, 6),
        severity=Severity.MAJOR,
        actor=clerk,
    )
    major_record = make_record(
        customer,
        title="重大投诉登记",
        type="complaint",
        document_date=datetime.date(2024, 5, 6),
        complaint=direct,
    )
    return {
        "volume": volume,
        "june": june,
        "march": march,
        "loose": loose,
        "forwarded": forwarded,
        "direct": direct,
        "major_record": major_record,
    }


def exported(action_count_before):
    return AuditEvent.objects.filter(action=events.REPORT_EXPORTED).count() - action_count_before


@pytest.mark.django_db
def test_catalogue_pdf_lists_records_in_document_date_order_in_chinese(users, customer, dossier):
    auditor = client_for(users[roles.AUDITOR])
    before = AuditEvent.objects.filter(action=events.REPORT_EXPORTED).count()
    url = reverse("reports:catalogue_export", args=[customer.pk])
    response = auditor.get(url, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
    assert customer.name in text
    assert "三月合同" in text and "六月会议纪要" in text and "重大投诉登记" in text
    # In the volume, March comes before June although June was filed first.
    assert text.index(dossier["march"].reference) < text.index(dossier["june"].reference)
    assert dossier["loose"].reference in text
    assert fonts  # text drawn with an embedded font, read back as characters
    assert exported(before) == 1
    event = AuditEvent.objects.filter(action=events.REPORT_EXPORTED).latest("sequence")
    assert event.actor_name == "auditor"
    assert event.data["report"] == "catalogue" and event.data["format"] == "pdf"
    assert event.customer_code == customer.code
    assert event.data["rows"] == 4


@pytest.mark.django_db
def test_catalogue_xlsx_of_one_volume(users, customer, dossier):
    url = reverse("reports:catalogue_export", args=[customer.pk])
    response = client_for(users[roles.AUDITOR]).get(
        url, {"format": "xlsx", "volume": dossier["volume"].pk}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "file reference number", "document date")
    assert [r[1] for r in rows[1:]] == [dossier["march"].reference, dossier["june"].reference]
    assert rows[1][2] == datetime.datetime(2024, 3, 2)  # a real date cell
    assert rows[1][3] == "三月合同"


@pytest.mark.django_db
def test_a_volume_of_another_dossier_is_not_found(users, customer, dossier, clerk):
    from tests.factories import CustomerFactory

    other = CustomerFactory.create()
    url = reverse("reports:catalogue_export", args=[other.pk])
    response = client_for(users[roles.AUDITOR]).get(url, {"volume": dossier["volume"].pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_complaint_register_xlsx_and_csv_keep_the_registers_apart(users, customer, dossier):
    client = client_for(users[roles.AUDITOR])
    url = reverse("reports:complaints_export")
    response = client.get(url, {"format": "xlsx", "customer": customer.code})
    workbook = load_workbook(io.BytesIO(response.content))
    names = workbook.sheetnames
    assert names == ["Forwarded complaints", "Directly received complaints", "Major complaints"]
    forwarded = list(workbook["Forwarded complaints"].iter_rows(values_only=True))
    direct = list(workbook["Directly received complaints"].iter_rows(values_only=True))
    major = list(workbook["Major complaints"].iter_rows(values_only=True))
    assert [r[0] for r in forwarded[1:]] == [dossier["forwarded"].number]
    assert forwarded[1][8] == 10  # days to close
    assert forwarded[1][9] == "已整改"
    assert [r[0] for r in direct[1:]] == [dossier["direct"].number]
    assert [r[0] for r in major[1:]] == [dossier["direct"].number]
    dossier["direct"].refresh_from_db()
    assert major[1][10] == str(dossier["direct"].volume)  # its own volume
    assert major[1][11] == dossier["major_record"].reference

    response = client.get(url, {"format": "csv", "channel": ComplaintChannel.DIRECT})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert dossier["direct"].number in text and dossier["forwarded"].number not in text
    assert ["Directly received complaints"] in rows
    events_ = AuditEvent.objects.filter(action=events.REPORT_EXPORTED).order_by("sequence")
    assert [e.data["format"] for e in events_] == ["xlsx", "csv"]
    assert events_[1].data["params"] == {"channel": "direct"}


@pytest.mark.django_db
def test_the_register_page_filters_and_lists_major_complaints(users, customer, dossier):
    client = client_for(users[roles.CLERK])
    html = client.get(reverse("reports:complaints")).content.decode()
    assert html.count(f'data-number="{dossier["direct"].number}"') == 2  # direct and major
    assert html.count(f'data-number="{dossier["forwarded"].number}"') == 1
    html = client.get(reverse("reports:complaints"), {"status": "open"}).content.decode()
    assert dossier["forwarded"].number not in html
    # Clerks see the register but the export is the auditors'.
    assert reverse("reports:complaints_export") not in html


@pytest.mark.django_db
def test_yearly_summary_pdf_and_xlsx(users, customer, dossier):
    client = client_for(users[roles.AUDITOR])
    url = reverse("reports:summary_export")
    response = client.get(url, {"format": "xlsx", "year": "2024"})
    workbook = load_workbook(io.BytesIO(response.content))
    complaints = dict(list(workbook["Complaints"].iter_rows(values_only=True))[1:])
    assert complaints["Forwarded complaints"] == 1
    assert complaints["Directly received complaints"] == 1
    assert complaints["Major complaints"] == 1
    loans = list(workbook["Loans"].iter_rows(values_only=True))
    # Lending registers the section (no loans in 2024 here); retention its destructions.
    assert loans[1] == ("Loans requested", 0)
    destructions = dict(list(workbook["Destructions"].iter_rows(values_only=True))[1:])
    assert destructions["Records destroyed"] == 0
    response = client.get(url, {"format": "pdf", "year": "2024"})
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "2024" in text and "Destructions" in text


@pytest.mark.django_db
def test_exports_in_chinese(users, customer, dossier, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = client_for(users[roles.AUDITOR])
    response = client.get(reverse("reports:summary_export"), {"format": "pdf", "year": "2024"})
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "年度" in text and "投诉" in text
    response = client.get(reverse("reports:complaints_export"), {"format": "xlsx"})
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "公司转呈投诉"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.CLERK, roles.COMPLIANCE, roles.STAFF, roles.ADMINISTRATOR])
def test_only_auditors_export(role, users, customer, dossier):
    client = client_for(users[role])
    for url in (
        reverse("reports:catalogue_export", args=[customer.pk]),
        reverse("reports:complaints_export"),
        reverse("reports:summary_export"),
    ):
        response = client.get(url)
        # Wagtail answers a refused admin view with a redirect to the dashboard.
        assert response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin")
    assert not AuditEvent.objects.filter(action=events.REPORT_EXPORTED).exists()


@pytest.mark.django_db
def test_a_long_register_shows_its_first_rows_and_exports_all(users, customer, clerk, monkeypatch):
    from records_dms.reports.admin import views

    monkeypatch.setattr(views, "ROWS_SHOWN", 2)
    for day in (1, 2, 3):
        complaint_open(
            customer=customer,
            channel=ComplaintChannel.DIRECT,
            subject=f"投诉{day}",
            opened_on=datetime.date(2024, 1, day),
            actor=clerk,
        )
    client = client_for(users[roles.AUDITOR])
    html = client.get(reverse("reports:complaints")).content.decode()
    assert html.count('data-number="ZS-2024-') == 2
    assert "(3)" in html
    response = client.get(reverse("reports:complaints_export"), {"format": "csv"})
    assert response.content.decode("utf-8-sig").count("ZS-2024-") == 3
