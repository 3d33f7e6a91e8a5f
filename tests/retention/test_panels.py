"""Retention's dashboard panels and yearly summary section equal what the database holds."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.reports.summary import yearly_summary
from retention.admin import panels
from retention.models import (
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    ItemState,
    LegalHold,
    RequestState,
)
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.holds import hold_lift, hold_place
from retention.services.review import due_records
from tests.conftest import client_for
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


@pytest.fixture
def retention_world(users, customer, clerk):
    """One executed destruction, one request waiting, one record due, one active hold."""
    compliance = users[roles.COMPLIANCE]
    destroyed = closed_complaint_record(customer, clerk)
    done = destruction_request_propose(records=[destroyed], actor=clerk, reason="保管期满")
    destruction_request_approve(request=done, actor=compliance)
    destruction_request_execute(witnesses=two_witnesses(), request=done, actor=clerk)
    waiting = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk)], actor=clerk
    )
    due = closed_complaint_record(customer, clerk)
    held = closed_complaint_record(customer, clerk)
    hold_place(actor=compliance, reason="诉讼保全", records=[held])
    lifted = hold_place(actor=compliance, reason="已解除", records=[held])
    hold_lift(hold=lifted, actor=compliance)
    return {"waiting": waiting, "due": due, "held": held}


def figure(data, label):
    return {str(c.label): c for c in data.counts}[label]


def test_panel_counts_equal_the_database(users, clerk, retention_world):
    compliance = users[roles.COMPLIANCE]
    today = timezone.localdate()

    due = figure(panels.due_for_review(clerk), "Records due for review")
    assert due.value == due_records(today, user=clerk).count() == 2  # the due and the held
    assert due.url == reverse("retention:queue")

    waiting = figure(
        panels.destruction_waiting(compliance), "Destruction requests waiting for approval"
    )
    assert waiting.value == DestructionRequest.objects.filter(state="submitted").count() == 1
    assert waiting.url.endswith("?state=submitted")

    holds = figure(panels.holds_active(compliance), "Active legal holds")
    assert holds.value == LegalHold.objects.filter(lifted_at__isnull=True).count() == 1

    certificates = figure(panels.certificates(compliance), "Certificates of destruction")
    assert certificates.value == DestructionCertificate.objects.count() == 1
    assert client_for(compliance).get(certificates.url).status_code == 200

    chart = panels.destructions_per_month(compliance)
    destroyed = DestructionItem.objects.filter(state=ItemState.DESTROYED)
    assert figure(chart, "Records destroyed this year").value == destroyed.count() == 1
    bars = re.findall(r'class="bar"[^>]*data-value="(\d+)"', str(chart.chart))
    assert sum(int(v) for v in bars) == 1
    month = timezone.localtime(destroyed.get().destroyed_at).month
    assert chart.table is not None and chart.table.rows[month - 1][1] == 1


def test_panels_follow_the_policy(users, clerk, retention_world):
    # Without the screens' action the panel computes nothing, even if called directly.
    assert panels.destruction_waiting(clerk).counts == ()  # clerks do not approve
    assert panels.due_for_review(users[roles.AUDITOR]).counts == ()
    assert panels.holds_active(users[roles.STAFF]).counts == ()
    # Staff without grants see no due records on the queue, so no count either.
    assert due_records(timezone.localdate(), user=users[roles.STAFF]).count() == 0


def test_compliance_dashboard_shows_the_retention_panels(users, retention_world):
    html = client_for(users[roles.COMPLIANCE]).get(reverse("wagtailadmin_home")).content.decode()
    for key in (
        "retention_destruction_waiting",
        "retention_holds",
        "retention_destructions_per_month",
        "retention_certificates",
    ):
        assert f'data-panel="{key}"' in html
    clerk_html = client_for(users[roles.CLERK]).get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="retention_due"' in clerk_html
    assert 'data-panel="retention_holds"' not in clerk_html


def test_yearly_summary_shows_destructions(users, retention_world):
    year = timezone.localdate().year
    sections = {s.key: s for s in yearly_summary(users[roles.COMPLIANCE], year)}
    lines = {str(label): value for label, value in sections["destructions"].lines or []}
    assert (
        lines["Destruction requests completed"]
        == (DestructionRequest.objects.filter(state=RequestState.COMPLETED).count())
        == 1
    )
    assert lines["Records destroyed"] == 1
    assert lines["Certificates of destruction issued"] == 1
    assert {str(label): v for label, v in sections["destructions"].lines or []} == lines
    staff = {s.key: s for s in yearly_summary(users[roles.STAFF], year)}
    assert staff["destructions"].lines == []
