"""The audit trail screen: filters by user, action (a choice list), customer and date range;
CSV and XLSX exports of the selection keep formula-like text as text and are audited."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from records_dms.accounts import roles
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify, audit_log
from tests.conftest import client_for
from tests.web.test_role_matrix import refused

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://x.invalid","点我")'


@pytest.fixture
def trail(users, monkeypatch):
    clerk, staff = users[roles.CLERK], users[roles.STAFF]
    past = timezone.now() - datetime.timedelta(days=400)
    with monkeypatch.context() as patch:  # an event of last year, written then
        patch.setattr(timezone, "now", lambda: past)
        audit_log(action=events.SEARCHED, actor=staff, customer_code="KH-0101")
    audit_log(action=events.CUSTOMER_VIEWED, actor=clerk, customer_code="KH-0101")
    audit_log(action=events.RECORD_VIEWED, actor=staff, customer_code="KH-0101", purpose=HOSTILE)
    audit_log(action=events.RECORD_VIEWED, actor=clerk, customer_code="KH-0202")
    return users


def _actions(body: str) -> list[str]:
    return [part.split('"')[0] for part in body.split('<tr data-action="')[1:]]


def test_filters_by_user_action_customer_and_dates(trail):
    client = client_for(trail[roles.AUDITOR])
    page = client.get(reverse("audit:audit"))
    body = page.content.decode()
    # The action filter is a choice list of what the trail holds, not free text.
    assert '<select name="action"' in body and f'value="{events.RECORD_VIEWED}"' in body
    assert '<select name="actor_name"' in body and '<select name="customer_code"' in body

    def shown(**params: str) -> list[str]:
        return _actions(client.get(reverse("audit:audit"), params).content.decode())

    assert shown(action=events.RECORD_VIEWED, actor_name="staff") == [events.RECORD_VIEWED]
    assert shown(action=events.RECORD_VIEWED, customer_code="KH-0202") == [events.RECORD_VIEWED]
    today = timezone.localdate().isoformat()
    assert events.SEARCHED not in shown(date_from=today, date_to=today)
    last_year = (timezone.localdate() - datetime.timedelta(days=300)).isoformat()
    assert shown(actor_name="staff", date_to=last_year) == [events.SEARCHED]
    # An action the trail does not hold is not a choice: ignored, not a 500.
    assert client.get(reverse("audit:audit"), {"action": "nope"}).status_code == 200


def test_csv_export_of_the_selection_keeps_formulas_as_text_and_is_audited(trail):
    client = client_for(trail[roles.AUDITOR])
    response = client.get(
        reverse("audit:audit_export"), {"action": events.RECORD_VIEWED, "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header and the two record.viewed events
    assert {row[4] for row in rows[1:]} == {events.RECORD_VIEWED}
    purposes = [row[7] for row in rows[1:]]
    assert "'" + HOSTILE in purposes  # a spreadsheet shows it as typed, never runs it
    event = AuditEvent.objects.filter(action=events.AUDIT_EXPORTED).latest("sequence")
    assert event.actor_name == "auditor"
    assert event.data == {"format": "csv", "filters": {"action": events.RECORD_VIEWED}, "rows": 2}
    assert audit_chain_verify() == []


def test_xlsx_export_cells_are_strings_not_formulas(trail):
    client = client_for(trail[roles.AUDITOR])
    params = {"customer_code": "KH-0101", "format": "xlsx"}
    response = client.get(reverse("audit:audit_export"), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4  # header and the three events of KH-0101
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == HOSTILE)
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("role", [roles.CLERK, roles.COMPLIANCE, roles.STAFF, roles.ADMINISTRATOR])
def test_export_refused_to_others_and_nothing_audited(role, trail):
    before = AuditEvent.objects.count()
    response = client_for(trail[role]).get(reverse("audit:audit_export"), {"format": "csv"})
    assert refused(response, role)
    assert AuditEvent.objects.count() == before


def test_the_trail_refused_to_staff_and_clerks(trail):
    for role in (roles.STAFF, roles.CLERK, roles.ADMINISTRATOR):
        assert refused(client_for(trail[role]).get(reverse("audit:audit")), role)
    assert client_for(trail[roles.COMPLIANCE]).get(reverse("audit:audit")).status_code == 200
