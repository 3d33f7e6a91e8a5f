"""Lending's dashboard panels and yearly summary section equal what the database holds."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.lending.admin import panels
from records_dms.lending.models import Loan, LoanState
from records_dms.lending.overdue import loans_mark_overdue
from records_dms.lending.services import loan_approve, loan_request
from records_dms.reports.summary import yearly_summary
from tests.conftest import client_for
from tests.factories import make_record
from tests.lending.helpers import loan_out

pytestmark = pytest.mark.django_db


@pytest.fixture
def loans(users, customer, clerk):
    """One overdue paper loan, one checked out on time, one approved waiting for checkout."""
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    late = loan_out(
        make_record(customer, title="逾期"), borrower=staff, approver=clerk, clerk=clerk
    )
    loan_out(make_record(customer, title="按时"), borrower=staff, approver=clerk, clerk=clerk)
    Loan.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 10))
    loans_mark_overdue(today=timezone.localdate())
    approved = loan_request(
        actor=staff, items=[(make_record(customer, title="待取"), "paper")], purpose="审核准备"
    )
    loan_approve(loan=approved, actor=clerk)
    return staff


def figures(data):
    return {str(c.label): c for c in data.counts}


def test_panel_counts_equal_the_database(clerk, loans):
    overdue = figures(panels.overdue(clerk))["Overdue loans"]
    assert overdue.value == Loan.objects.filter(state=LoanState.OVERDUE).count() == 1
    assert overdue.warn
    assert client_for(clerk).get(overdue.url).status_code == 200

    waiting = figures(panels.waiting(clerk))
    assert waiting["Approved, waiting for checkout"].value == 1
    assert (
        waiting["Out, waiting for return"].value
        == (Loan.objects.filter(state__in=[LoanState.CHECKED_OUT, LoanState.OVERDUE]).count())
        == 2
    )


def test_panels_follow_the_policy(users, loans):
    # The borrower may not lend: no figures, and no panel on their dashboard.
    assert panels.overdue(loans).counts == ()
    assert panels.waiting(users[roles.COMPLIANCE]).counts == ()
    html = client_for(loans).get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="lending_overdue"' not in html


def test_clerk_dashboard_shows_the_lending_panels(clerk, loans):
    html = client_for(clerk).get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-panel="lending_overdue"' in html and 'data-panel="lending_waiting"' in html


def test_yearly_summary_shows_loans(clerk, loans):
    year = timezone.localdate().year
    sections = {s.key: s for s in yearly_summary(clerk, year)}
    lines = {str(label): value for label, value in sections["loans"].lines or []}
    assert lines["Loans requested"] == Loan.objects.filter(requested_at__year=year).count() == 3
    assert lines["Checked out"] == 2
    assert lines["Returned"] == 0
    assert lines["Overdue now"] == 1
