"""The check's screens, each with and without permission: the list, one inspection, its
reports, the record page's panel and the check on demand."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from records_dms.inspection import events
from records_dms.inspection.models import Inspection, Occasion
from records_dms.inspection.services import inspect
from tests.conftest import client_for
from tests.inspection.helpers import file_received, png

pytestmark = pytest.mark.django_db

READERS = (roles.CLERK, roles.COMPLIANCE, roles.AUDITOR)


def refused(response) -> bool:
    """Wagtail answers a refused screen with a redirect to the dashboard (or 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin")
    )


@pytest.fixture
def faulty(customer, clerk) -> tuple[Inspection, Record]:
    record = file_received(customer, png(), name="=HYPERLINK(1).png", mime_type="image/png")
    Record.objects.filter(pk=record.pk).update(title="=1+2", size=1)
    record.refresh_from_db()
    return inspect([record], occasion=Occasion.MANUAL, actor=clerk), record


@pytest.mark.parametrize("role", [*READERS, roles.STAFF])
def test_list_and_inspection_need_the_read_permission(users, faulty, role):
    inspection, record = faulty
    client = client_for(users[role])
    pages = [reverse("inspection:list"), reverse("inspection:inspection", args=[inspection.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200 if role in READERS else refused(response)
    if role in READERS:
        assert b"1-7" in response.content and record.reference.encode() in response.content


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.STAFF])
def test_reports_are_readers_only_audited_and_formulas_stay_text(users, faulty, role):
    inspection, _record = faulty
    client = client_for(users[role])
    xlsx = client.get(reverse("inspection:report", args=[inspection.pk, "xlsx"]))
    pdf = client.get(reverse("inspection:report", args=[inspection.pk, "pdf"]))
    if role == roles.STAFF:
        assert refused(xlsx) and refused(pdf)
        return
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(xlsx.content))["Results"]
    titles = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "=1+2" in titles
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "=1+2")
    assert cell.data_type == "s"
    assert AuditEvent.objects.filter(action=events.INSPECTION_EXPORTED).count() == 2


@pytest.mark.parametrize("role", [roles.CLERK, roles.AUDITOR, roles.STAFF])
def test_the_record_page_panel_and_check_now(users, customer, role):
    customer.owner = users[roles.STAFF]  # staff see the dossiers they own
    customer.save()
    record = file_received(customer, png(), name="a.png", mime_type="image/png")
    client = client_for(users[role])
    page = client.get(reverse("archive:record", args=[record.pk]))
    assert page.status_code == 200
    assert (b'id="inspection"' in page.content) == (role != roles.STAFF)
    assert (b"Check now" in page.content) == (role == roles.CLERK)
    run = client.post(reverse("inspection:run"), {"record": record.pk})
    if role == roles.CLERK:
        inspection = record.inspections.get(occasion=Occasion.MANUAL)
        assert run.status_code == 302 and run["Location"].endswith(f"/{inspection.pk}/")
        page = client.get(reverse("archive:record", args=[record.pk]))
        assert b"GD-" not in page.content and b"BC-1-1" in page.content
    else:
        assert refused(run) and not record.inspections.filter(occasion=Occasion.MANUAL).exists()


@pytest.mark.parametrize("role", [roles.COMPLIANCE, roles.AUDITOR])
def test_a_whole_dossier_is_checked_from_its_page(users, customer, role):
    records = [
        file_received(customer, png((10 + n, 10)), name="a.png", mime_type="image/png")
        for n in range(2)
    ]
    client = client_for(users[role])
    page = client.get(reverse("archive:dossier", args=[customer.pk]))
    assert (b'class="inspection-run"' in page.content) == (role == roles.COMPLIANCE)
    run = client.post(reverse("inspection:run"), {"customer": customer.pk})
    checks = Inspection.objects.filter(occasion=Occasion.MANUAL, customer=customer)
    if role == roles.COMPLIANCE:
        inspection = checks.get()
        assert run.status_code == 302 and set(inspection.records.all()) == set(records)
    else:
        assert refused(run) and not checks.exists()


def test_the_panel_speaks_chinese(users, customer, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    record = file_received(customer, png(), name="a.png", mime_type="image/png")
    inspect([record], occasion=Occasion.MANUAL)
    page = client_for(users[roles.CLERK]).get(reverse("archive:record", args=[record.pk]))
    text = page.content.decode()
    for words in ("四性检测", "真实性", "存储原件与其 SHA-256 一致", "按需检测", "立即检测"):
        assert words in text, words
