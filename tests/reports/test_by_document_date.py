"""Reports count records by DOCUMENT date, with a year picker; the archive's own dossier is not a
customer in satisfaction tracking; one colour per record type; the table toggle is a button."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.archive.models import RecordType
from records_dms.reports import builtin_panels, selectors
from records_dms.reports.builtin_summary import summary_customers, summary_records
from records_dms.reports.models import SurveyResult
from tests.conftest import client_for
from tests.factories import CustomerFactory, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_today_dated_2024(clerk, customer):
    """Records filed today (the demo's situation) whose documents are dated 2024."""
    for n, kind in enumerate(["contract", "minutes", "minutes", "survey"]):
        make_record(customer, type=kind, title=f"旧文件 {n}",
                    document_date=datetime.date(2024, 3 + n, 5), actor=clerk)  # fmt: skip
    return customer


def test_the_2024_summary_counts_records_dated_2024_though_filed_today(
    users, filed_today_dated_2024
):
    auditor = users[roles.AUDITOR]
    lines = {str(label): value for label, value in summary_records(auditor, 2024)}
    assert lines[str(RecordType.MINUTES.label)] == 2  # was 0: counted by filing date
    assert lines["Records dated in the year"] == 4
    assert lines["Records held at year end"] == 4
    this_year = timezone.localdate().year
    now = {str(label): value for label, value in summary_records(auditor, this_year)}
    assert now["Records dated in the year"] == 0
    customers = {str(label): value for label, value in summary_customers(auditor, 2024)}
    assert customers["Customers at year end"] == 1 and customers["New customers"] == 1
    page = client_for(auditor).get(reverse("reports:summary"), {"year": "2024"}).content.decode()
    assert '<option value="2024" selected>' in page  # the picker offers the records' years


def test_the_dashboard_year_picker_shows_the_picked_year(users, filed_today_dated_2024):
    auditor = users[roles.AUDITOR]
    client = client_for(auditor)
    home = client.get(reverse("wagtailadmin_home"), {"year": "2024"}).content.decode()
    assert 'class="dms-year-picker"' in home and '<option value="2024" selected>' in home
    panel = home.split('id="panel-records_filed"')[1].split("</section>")[0]
    assert "2024" in panel
    assert len(re.findall(r'<rect class="bar"', panel)) == 4  # March to June 2024, one each
    # Without a pick: this year, where nothing is dated.
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = home.split('id="panel-records_filed"')[1].split("</section>")[0]
    assert '<rect class="bar"' not in panel


def test_the_archive_own_dossier_is_not_a_customer_in_satisfaction_tracking(users, clerk, settings):
    settings.RETENTION = replace(settings.RETENTION, archive_own_code="QMS-ARCHIVE")
    own = CustomerFactory.create(code="QMS-ARCHIVE", name="档案室")
    other = CustomerFactory.create(code="KH-0500", name="客户")
    survey = make_record(own, type="survey", title="自评", actor=clerk)
    SurveyResult.objects.create(record=survey, overall=Decimal(50))
    auditor = users[roles.AUDITOR]
    missing = [c.code for c in selectors.customers_without_survey(auditor)]
    assert missing == [other.code]  # the archive itself is never "without a survey"
    assert selectors.satisfaction_by_customer_year(auditor) == []
    page = client_for(auditor).get(reverse("reports:satisfaction")).content.decode()
    assert "QMS-ARCHIVE" not in page


def test_each_record_type_has_its_own_colour_in_every_chart(users, clerk, customer):
    today = timezone.localdate()
    for kind in RecordType.values:
        make_record(customer, type=kind, title=kind, document_date=today, actor=clerk)
    chart = builtin_panels.records_filed(users[roles.AUDITOR]).chart
    colours = dict(re.findall(r'fill="(#[0-9a-f]{6})" data-series="([^"]+)"', chart))
    by_type = {series: colour for colour, series in colours.items()}
    assert set(by_type) == set(RecordType.values)
    assert len(set(by_type.values())) == len(RecordType.values)  # was 8 colours for 11 types
    assert by_type == {t: builtin_panels.TYPE_COLORS[t] for t in RecordType.values}


def test_show_as_a_table_is_a_button(users, clerk, customer):
    today = timezone.localdate()
    make_record(customer, type="minutes", title="纪要", document_date=today, actor=clerk)
    home = client_for(users[roles.AUDITOR]).get(reverse("wagtailadmin_home")).content.decode()
    toggles = re.findall(r"<summary class=\"([^\"]+)\"", home)
    assert toggles and all("button" in classes.split() for classes in toggles)
