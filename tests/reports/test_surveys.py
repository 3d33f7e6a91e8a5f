"""Satisfaction surveys: structured results, the target flag, and customers not surveyed."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.audit.models import AuditEvent
from records_dms.reports import events, selectors
from records_dms.reports.models import SurveyResult
from records_dms.reports.services import survey_results_set
from tests.conftest import client_for
from tests.factories import CustomerFactory, make_record


@pytest.fixture
def survey(customer):
    return make_record(
        customer,
        type="survey",
        title="2024年度满意度调查",
        document_date=datetime.date(2024, 12, 1),
    )


@pytest.mark.django_db
def test_overall_is_the_mean_unless_given_and_changes_are_audited(survey, clerk):
    result = survey_results_set(
        record=survey, answers=[("服务态度", 90), ("响应速度", "85.5"), ("", 10)], actor=clerk
    )
    assert result.overall == Decimal("87.8")
    assert [(a.question, a.score) for a in result.answers.all()] == [
        ("服务态度", Decimal("90.0")),
        ("响应速度", Decimal("85.5")),
    ]
    result = survey_results_set(record=survey, answers=[("服务态度", 60)], overall=70, actor=clerk)
    assert result.overall == Decimal("70.0") and result.answers.count() == 1
    assert SurveyResult.objects.count() == 1
    last = AuditEvent.objects.filter(action=events.SURVEY_RESULTS_SET).latest("sequence")
    assert last.data["before"]["overall"] == "87.8"
    assert last.data["after"] == {"overall": "70.0", "answers": [["服务态度", "60.0"]]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers,overall",
    [([("a", 101)], None), ([("a", -1)], None), ([], None), ([("a", "x")], None), ([], 100.5)],
)
def test_bad_scores_are_refused(survey, clerk, answers, overall):
    with pytest.raises(ValidationError):
        survey_results_set(record=survey, answers=answers, overall=overall, actor=clerk)
    assert not SurveyResult.objects.exists()


@pytest.mark.django_db
def test_only_survey_records_carry_results(customer, clerk):
    minutes = make_record(customer)
    with pytest.raises(ValidationError):
        survey_results_set(record=minutes, answers=[("a", 1)], actor=clerk)


@pytest.mark.django_db
def test_below_target_is_flagged_per_customer_and_year(users, customer, survey, clerk, settings):
    settings.REPORTS = replace(settings.REPORTS, satisfaction_target=85)
    survey_results_set(record=survey, answers=[("a", 80)], actor=clerk)
    earlier = make_record(
        customer, type="survey", title="上半年", document_date=datetime.date(2024, 6, 1)
    )
    survey_results_set(record=earlier, answers=[("a", 88)], actor=clerk)
    rows = selectors.satisfaction_by_customer_year(users[roles.AUDITOR])
    assert [(r.year, r.surveys, r.mean, r.below_target) for r in rows] == [
        (2024, 2, Decimal("84.0"), True)
    ]
    settings.REPORTS = replace(settings.REPORTS, satisfaction_target=84)
    assert not selectors.satisfaction_by_customer_year(users[roles.AUDITOR])[0].below_target


@pytest.mark.django_db
def test_customers_without_a_survey_in_12_months(users, customer):
    recent, old, ended = (CustomerFactory.create() for _ in range(3))
    ended.status = "ended"
    ended.save()
    make_record(recent, type="survey", title="s", document_date=datetime.date(2024, 1, 10))
    make_record(old, type="survey", title="s", document_date=datetime.date(2023, 2, 28))
    today = datetime.date(2024, 2, 29)
    found = selectors.customers_without_survey(users[roles.AUDITOR], today)
    # 28 Feb 2023 is exactly 12 months before 29 Feb 2024: no longer within the window.
    last_surveys = {c.code: c.last_survey for c in found}  # type: ignore[attr-defined]
    assert last_surveys == {
        customer.code: None,
        old.code: datetime.date(2023, 2, 28),
    }
    assert selectors.months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)


@pytest.mark.django_db
def test_clerk_enters_results_on_the_form(users, survey, clerk):
    client = client_for(clerk)
    url = reverse("reports:survey_edit", args=[survey.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Attitude of the service staff" in form.content.decode()
    data = {
        "answers-TOTAL_FORMS": "3",
        "answers-INITIAL_FORMS": "0",
        "answers-0-question": "服务态度",
        "answers-0-score": "92",
        "answers-1-question": "响应速度",
        "answers-1-score": "78",
        "answers-2-question": "",
        "answers-2-score": "",
        "overall": "",
        "remarks": "需改进响应",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    result = SurveyResult.objects.get(record=survey)
    assert result.overall == Decimal("85.0") and result.remarks == "需改进响应"
    # A question without a score is an error on the form, and nothing changes.
    data["answers-2-question"] = "新问题"
    response = client.post(url, data | {"overall": "50"})
    assert response.status_code == 200
    assert SurveyResult.objects.get(record=survey).overall == Decimal("85.0")


@pytest.mark.django_db
def test_satisfaction_page_shows_trend_flags_and_missing(users, customer, survey, clerk):
    survey_results_set(record=survey, answers=[("a", 60)], actor=clerk)
    html = client_for(users[roles.AUDITOR]).get(reverse("reports:satisfaction")).content.decode()
    assert 'class="below-target"' in html
    assert "<svg" in html and 'class="point"' in html and 'class="target"' in html
    assert f'data-customer="{customer.code}"' in html


@pytest.mark.django_db
def test_filing_a_survey_leads_to_its_results_and_the_record_shows_them(customer, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from records_dms.archive.models import Record
    from tests.factories import make_pdf

    client = client_for(clerk)
    response = client.post(
        reverse("archive:record_file", args=[customer.pk]),
        {
            "file": SimpleUploadedFile("满意度调查.pdf", make_pdf(["满意度调查表"])),
            "type": "survey",
            "title": "2024年度满意度调查",
            "document_date": "2024-11-30",
            "confidentiality": "internal",
        },
    )
    record = Record.objects.get(type="survey")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:survey_edit", args=[record.pk])
    survey_results_set(record=record, answers=[("服务态度", 91)], actor=clerk)
    html = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    assert 'class="survey-overall">91.0<' in html
