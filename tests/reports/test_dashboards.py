"""Dashboard figures equal what the database holds, for generated data, per role."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from ingestion.models import IngestionJob
from records_dms.accounts import roles
from records_dms.archive.models import ComplaintCase, Record
from records_dms.reports import builtin_panels
from records_dms.reports.panels import Count, Panel, PanelData, panel_register, panel_unregister
from tests.conftest import client_for
from tests.reports.data import generate


@pytest.fixture
def world(users, clerk):
    return generate(clerk)


def month_totals(cases, key):
    totals: Counter[tuple[str, int]] = Counter()
    for case in cases:
        totals[(getattr(case, key), case.opened_on.month)] += 1
    return totals


@pytest.mark.django_db
def test_complaints_by_channel_and_severity_match_the_database(users, world):
    auditor = users[roles.AUDITOR]
    year = timezone.localdate().year
    cases = list(ComplaintCase.objects.filter(opened_on__year=year))
    assert len(cases) == 30
    for key, compute in (
        ("channel", builtin_panels.complaints_by_channel),
        ("severity", builtin_panels.complaints_by_severity),
    ):
        data = compute(auditor)
        expected = month_totals(cases, key)
        bars = re.findall(
            r'class="bar"[^>]*data-series="([^"]+)" data-category="([^"]+)" data-value="(\d+)"',
            data.chart,
        )
        labels = builtin_panels.month_labels()
        found = {(series, labels.index(month) + 1): int(v) for series, month, v in bars}
        assert found == dict(expected)
        assert data.table is not None
        assert sum(row[-1] for row in data.table.rows) == len(cases)


@pytest.mark.django_db
def test_time_to_close_matches_the_database(users, world):
    data = builtin_panels.complaint_close_times(users[roles.AUDITOR])
    cases = ComplaintCase.objects.all()
    closed = [(c.closed_on - c.opened_on).days for c in cases if c.closed_on]
    counts = {str(c.label): c.value for c in data.counts}
    assert counts["Closed"] == len(closed)
    assert counts["Still open"] == cases.filter(closed_on__isnull=True).count()
    assert counts["Mean days to close"] == round(sum(closed) / len(closed), 1)


@pytest.mark.django_db
def test_records_per_month_match_the_database_by_document_date(users, world):
    data = builtin_panels.records_filed(users[roles.AUDITOR])
    year = timezone.localdate().year
    expected = Counter(
        (r.type, r.document_date.month)
        for r in Record.objects.all()
        if r.document_date.year == year
    )
    assert data.counts[0].value == sum(expected.values())
    labels = builtin_panels.month_labels()
    found = {
        (series, labels.index(month) + 1): int(value)
        for series, month, value in re.findall(
            r'data-series="([^"]+)" data-category="([^"]+)" data-value="(\d+)"', data.chart
        )
    }
    assert found == dict(expected)


@pytest.mark.django_db
def test_satisfaction_and_ingestion_figures(users, world, clerk):
    data = builtin_panels.satisfaction_overview(users[roles.AUDITOR])
    counts = {str(c.label): c.value for c in data.counts}
    assert counts["Customers below target this year"] == 1  # the first customer, at ~70
    assert counts["Customers without a survey in 12 months"] == 1  # the last, never surveyed
    assert data.chart.count('class="point"') == 2  # last year and this year
    assert 'class="line"' in data.chart and 'class="target"' in data.chart

    queue = builtin_panels.ingestion_queue(clerk)
    counts = {str(c.label): c.value for c in queue.counts}
    assert counts["Failed"] == IngestionJob.objects.filter(status="failed").count() == 2
    assert counts["Queued"] == 1
    assert queue.counts[2].warn
    assert queue.table is not None
    assert len(queue.table.rows) == 2


@pytest.mark.django_db
def test_staff_figures_cover_only_their_customers(users, world, clerk):
    from records_dms.accounts.services import grant_create

    staff = users[roles.STAFF]
    assert builtin_panels.complaints_by_channel(staff).counts[0].value == 0
    granted = world.customers[1]
    grant_create(user=staff, customer=granted, actor=clerk)
    staff = type(staff).objects.get(pk=staff.pk)
    year = timezone.localdate().year
    assert builtin_panels.complaints_by_channel(staff).counts[0].value == (
        ComplaintCase.objects.filter(customer=granted, opened_on__year=year).count()
    )


ROLE_PANELS = {
    roles.CLERK: {"ingestion_queue", "retention_due", "lending_overdue", "lending_waiting"},
    roles.AUDITOR: {
        "complaints_by_channel",
        "complaints_by_severity",
        "complaint_close_times",
        "satisfaction",
        "records_filed",
    },
    roles.COMPLIANCE: {
        "confidentiality",
        "retention_destruction_waiting",
        "retention_holds",
        "retention_destructions_per_month",
        "retention_certificates",
    },
    roles.STAFF: set(),
    roles.ADMINISTRATOR: set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_PANELS))
def test_each_role_sees_its_dashboard_on_the_admin_home(role, users, world):
    response = client_for(users[role]).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = set(re.findall(r'data-panel="([^"]+)"', html))
    assert shown == ROLE_PANELS[role]
    if shown:
        assert "<svg" in html and ('class="bar"' in html or 'class="point"' in html)
        assert "dms-table-fallback" in html


@pytest.mark.django_db
def test_a_registered_panel_appears_for_its_role_only(users):
    def compute(user):
        return PanelData(counts=[Count("Destruction requests waiting", 3)])

    panel_register(
        Panel("test_waiting", "Waiting", frozenset({roles.COMPLIANCE}), compute, order=1)
    )
    try:
        compliance = client_for(users[roles.COMPLIANCE]).get(reverse("wagtailadmin_home"))
        assert 'data-panel="test_waiting"' in compliance.content.decode()
        assert 'data-count="3"' in compliance.content.decode()
        auditor = client_for(users[roles.AUDITOR]).get(reverse("wagtailadmin_home"))
        assert 'data-panel="test_waiting"' not in auditor.content.decode()
    finally:
        panel_unregister("test_waiting")
