import datetime
import hashlib

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.archive.services import complaint_open, volume_create
from records_dms.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import file_pdf, make_pdf, make_record

pytestmark = pytest.mark.django_db


def test_dossier_lists_catalogue_by_volume_in_document_date_order(customer, clerk):
    volume = volume_create(customer=customer, title="2024 年度文件", actor=clerk)
    late = make_record(customer, title="后", document_date=datetime.date(2024, 9, 1), volume=volume)
    early = make_record(
        customer, title="前", document_date=datetime.date(2024, 2, 1), volume=volume
    )
    loose = make_record(customer, title="散", document_date=datetime.date(2024, 1, 1))
    html = client_for(clerk).get(reverse("archive:dossier", args=[customer.pk])).content.decode()
    assert html.index(early.reference) < html.index(late.reference) < html.index(loose.reference)
    assert "2024 年度文件" in html


def test_dossier_shows_the_two_complaint_registers_separately(customer, clerk):
    complaint_open(
        customer=customer,
        channel="forwarded_online",
        subject="网上投诉",
        opened_on=datetime.date(2024, 1, 1),
        actor=clerk,
    )
    complaint_open(
        customer=customer,
        channel="direct",
        subject="来访投诉",
        opened_on=datetime.date(2024, 1, 2),
        actor=clerk,
        severity="major",
    )
    html = client_for(clerk).get(reverse("archive:dossier", args=[customer.pk])).content.decode()
    forwarded = html.index('data-register="forwarded"')
    direct = html.index('data-register="direct"')
    assert forwarded < html.index("ZC-2024-0001") < direct < html.index("ZS-2024-0001")


def test_opening_a_dossier_is_logged(customer, clerk):
    client_for(clerk).get(reverse("archive:dossier", args=[customer.pk]))
    assert AuditEvent.objects.filter(action="customer.viewed", actor=clerk).count() == 1


def test_record_page_shows_text_and_logs_the_reading(
    customer, clerk, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = file_pdf(customer, actor=clerk)
    auditor = users[roles.AUDITOR]
    response = client_for(auditor).get(
        reverse("archive:record", args=[record.pk]), {"purpose": "年度审核"}
    )
    html = response.content.decode()
    assert "重大投诉应单独立卷保存" in html
    event = AuditEvent.objects.get(action="record.viewed", actor=auditor)
    assert event.purpose == "年度审核"
    assert event.object_id == str(record.pk)


def test_download_returns_the_original_and_is_logged(customer, clerk, users):
    record = file_pdf(customer, actor=clerk)
    auditor = users[roles.AUDITOR]
    response = client_for(auditor).get(reverse("archive:record_download", args=[record.pk]))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF-")

    assert hashlib.sha256(body).hexdigest() == record.sha256
    assert AuditEvent.objects.filter(action="record.downloaded", actor=auditor).exists()


def test_clerk_files_an_upload_through_the_admin(
    customer, clerk, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "纪要.pdf", make_pdf(["年度客户关系维护会议纪要"]), content_type="application/octet-stream"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(
            reverse("archive:record_file", args=[customer.pk]),
            {
                "file": upload,
                "type": "minutes",
                "title": "年度会议纪要",
                "document_date": "2024-03-15",
                "confidentiality": "internal",
            },
        )
    record = Record.objects.get(title="年度会议纪要")
    assert response.status_code == 302
    assert record.reference == "KH-0101-JY-2024-0001"
    assert record.original_name == "纪要.pdf"
    assert record.mime_type == "application/pdf"
    assert record.pages.get().text.startswith("顾客投诉档案管理")
    assert record.state == "filed"


def test_empty_upload_is_refused_with_the_file_name(customer, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(clerk).post(
        reverse("archive:record_file", args=[customer.pk]),
        {
            "file": SimpleUploadedFile("空.pdf", b""),
            "type": "minutes",
            "document_date": "2024-03-15",
            "confidentiality": "internal",
        },
    )
    assert response.status_code == 200
    assert "空.pdf" in response.content.decode()
    assert not Record.objects.exists()


def test_metadata_edit_shows_in_the_record_history(customer, clerk):
    record = make_record(customer, title="旧标题")
    client = client_for(clerk)
    response = client.post(
        reverse("archive:record_edit", args=[record.pk]),
        {
            "title": "新标题",
            "type": "minutes",
            "document_date": "2024-03-01",
            "received_date": record.received_date.isoformat(),
            "channel": "upload",
            "confidentiality": "internal",
            "language": "zh-hans",
            "reason": "更正",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    history = html[html.index("record-history") :]
    assert "旧标题" in history and "新标题" in history and "更正" in history and "clerk" in history


def test_staff_cannot_open_a_record_above_its_clearance(customer, users):
    staff = users[roles.STAFF]
    customer.owner = staff
    customer.save()
    secret = make_record(customer, confidentiality="secret")
    response = client_for(staff).get(reverse("archive:record", args=[secret.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="record.viewed").exists()


def test_audit_trail_screen_is_read_only(users):
    client = client_for(users[roles.AUDITOR])
    assert client.get(reverse("audit:audit")).status_code == 200
    assert client.post(reverse("audit:audit"), {"action": "x"}).status_code == 405


def test_customer_list_filters_and_searches(users, customer):
    from tests.factories import CustomerFactory

    CustomerFactory.create(code="KH-0500", name="南方零售", region="华南", industry="零售业")
    client = client_for(users[roles.AUDITOR])
    html = client.get(reverse("customers:index"), {"region": "华南"}).content.decode()
    assert "KH-0500" in html and "KH-0101" not in html
    html = client.get(reverse("customers:index"), {"q": "精密"}).content.decode()
    assert "KH-0101" in html and "KH-0500" not in html


def test_clerk_creates_a_customer_and_it_is_audited(clerk):
    response = client_for(clerk).post(
        reverse("customers:add"),
        {
            "code": "kh-0777",
            "name": "新客户",
            "kind": "enterprise",
            "status": "active",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="customer.created")
    assert event.customer_code == "KH-0777"


def test_searchable_pdf_of_a_scan_is_downloadable_and_logged(customer, clerk, users):
    import io

    from ingestion.services import ingest_submit
    from tests.ingestion.samples import image_bytes, scan_image

    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(image_bytes(scan_image(), "PNG")),
        filename="scan.png",
        actor=clerk,
        record_type="minutes",
        wait=True,
    )
    assert job.record is not None
    auditor = users[roles.AUDITOR]
    response = client_for(auditor).get(reverse("archive:record_rendition", args=[job.record.pk]))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="record.downloaded", actor=auditor)
    assert event.data["what"] == "searchable_pdf"
    html = client_for(auditor).get(reverse("archive:record", args=[job.record.pk])).content.decode()
    assert reverse("archive:record_rendition", args=[job.record.pk]) in html
