"""DA/T 22-2015 file reference numbers (档号): form, series, classes from the schedule."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from records_dms.archive.models import Record
from records_dms.archive.references import DAT22, reference_parts
from records_dms.archive.searching import SearchFilters, record_search
from records_dms.archive.services import complaint_open
from records_dms.settings.env import load
from records_dms.settings.groups import References
from tests.factories import CustomerFactory, file_pdf, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def dat22(settings):
    settings.REFERENCES = dataclasses.replace(
        settings.REFERENCES, rule="dat22", fonds_code="Q001", class_code="type"
    )
    return settings


def test_standard_form_takes_fonds_category_year_class_type_and_number(dat22, customer):
    minutes = make_record(customer, type="minutes")  # schedule `minutes`: 10 years
    second = make_record(customer, type="minutes")
    survey = make_record(customer, type="survey")  # `correspondence`: 3 years, custom
    assert minutes.reference == "Q001-WS·2024-D10-JY-0001"
    assert second.reference == "Q001-WS·2024-D10-JY-0002"
    assert survey.reference == "Q001-WS·2024-D3-DC-0001"
    match = DAT22.match(minutes.reference)
    assert match is not None and match["number"] == "0001"


def test_件号_counts_per_year_class_and_type_across_customers(dat22, customer):
    other = CustomerFactory.create(code="KH-0202")
    assert make_record(customer, type="contract").reference.endswith("·2024-D10-HT-0001")
    # The same fonds, year, class and 问题: the series is shared, whoever the customer.
    assert make_record(other, type="contract").reference.endswith("·2024-D10-HT-0002")
    later = make_record(customer, type="contract", document_date=datetime.date(2025, 2, 1))
    assert later.reference == "Q001-WS·2025-D10-HT-0001"


def test_class_follows_the_schedule_a_condition_picks(dat22, customer, clerk):
    major = complaint_open(
        customer=customer,
        subject="重大投诉",
        channel="direct",
        severity="major",
        opened_on=datetime.date(2024, 1, 5),
        actor=clerk,
    )
    plain = make_record(customer, type="complaint")
    grave = make_record(customer, type="complaint", complaint=major)
    assert plain.reference == "Q001-WS·2024-D3-TS-0001"
    assert grave.reference == "Q001-WS·2024-D10-TS-0001"


def test_permanent_records_are_y_and_a_fixed_department_code_is_used(dat22, customer):
    dat22.REFERENCES = dataclasses.replace(dat22.REFERENCES, class_code="KF", category_code="KJ")
    certificate = make_record(customer, type="destruction_certificate")
    assert certificate.reference == "Q001-KJ·2024-Y-KF-0001"


@pytest.mark.parametrize(
    ("class_code", "expected"),
    [("customer", "Q001-WS·2024-D10-KH0101-0001"), ("none", "Q001-WS·2024-D10-0001")],
)
def test_机构问题_by_customer_or_left_out(dat22, customer, class_code, expected):
    dat22.REFERENCES = dataclasses.replace(dat22.REFERENCES, class_code=class_code)
    record = make_record(customer, type="minutes")
    assert record.reference == expected
    parts = reference_parts(record)
    assert (parts.fonds, parts.year, parts.period, parts.number) == ("Q001", "2024", "D10", "0001")


def test_a_failed_filing_leaves_no_gap_in_the_standard_series(dat22, customer):
    make_record(customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_record(customer)
        raise RuntimeError("crash after numbering")
    assert make_record(customer).reference == "Q001-WS·2024-D10-JY-0002"
    assert Record.objects.count() == 2


def test_switching_rules_keeps_given_references(dat22, customer):
    dat22.REFERENCES = dataclasses.replace(dat22.REFERENCES, rule="customer")
    old = make_record(customer)
    dat22.REFERENCES = dataclasses.replace(dat22.REFERENCES, rule="dat22")
    new = make_record(customer)
    old.refresh_from_db()
    assert (old.reference, new.reference) == ("KH-0101-JY-2024-0001", "Q001-WS·2024-D10-JY-0001")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DMS_REFERENCE_RULE": "dat22"}, "needs DMS_FONDS_CODE"),
        ({"DMS_FONDS_CODE": "q-1"}, "DMS_FONDS_CODE must be"),
        ({"DMS_CATEGORY_CODE": "文书"}, "DMS_CATEGORY_CODE must be"),
        ({"DMS_REFERENCE_CLASS": "K F"}, "DMS_REFERENCE_CLASS must be"),
        ({"DMS_REFERENCE_RULE": "gb"}, "DMS_REFERENCE_RULE must be one of"),
    ],
)
def test_bad_reference_settings_stop_the_program_naming_the_variable(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load(References, environ)


def test_good_standard_settings_load():
    loaded = load(References, {"DMS_REFERENCE_RULE": "dat22", "DMS_FONDS_CODE": "Q001"})
    assert (loaded.rule, loaded.fonds_code, loaded.category_code) == ("dat22", "Q001", "WS")


def test_search_finds_a_record_by_its_standard_reference(
    dat22, customer, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = file_pdf(customer, actor=clerk)
    for query in (record.reference, record.reference.lower(), "Q001-WS"):
        page = record_search(user=clerk, text=query, filters=SearchFilters(), limit=5)
        assert [hit.reference for hit in page.results.hits] == [record.reference], query


def test_a_reference_too_long_for_its_field_is_refused_naming_it(dat22):
    dat22.REFERENCES = dataclasses.replace(dat22.REFERENCES, class_code="customer")
    long = CustomerFactory.create(code="KH-" + "9" * 28)
    with pytest.raises(ValidationError, match="reference"):
        make_record(long)
    assert not Record.objects.exists()


def test_a_received_standard_reference_moves_its_series_past_it(dat22, customer):
    """A transfer received from another archive (records_dms/transfer) brings numbers of our
    series: the next record filed here must not get one of them again."""
    from django.db import transaction as db_transaction

    from records_dms.transfer.receive import reference_reserve

    with db_transaction.atomic():
        reference_reserve("Q001-WS·2024-D10-JY-0007", customer)
    assert make_record(customer, type="minutes").reference == "Q001-WS·2024-D10-JY-0008"
