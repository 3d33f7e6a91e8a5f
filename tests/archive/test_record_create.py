import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from records_dms.archive.models import Record, RecordState
from records_dms.archive.services import complaint_open, customer_update, record_create
from records_dms.audit.models import AuditEvent
from tests.factories import CustomerFactory, make_record

pytestmark = pytest.mark.django_db


def test_reference_names_customer_type_year_and_sequence(customer, clerk):
    first = make_record(customer, type="complaint", actor=clerk)
    second = make_record(customer, type="complaint", actor=clerk)
    assert first.reference == "KH-0101-TS-2024-0001"
    assert second.reference == "KH-0101-TS-2024-0002"


def test_each_customer_type_and_year_counts_on_its_own(customer):
    other = CustomerFactory.create(code="KH-0202")
    assert make_record(customer, type="contract").reference.endswith("HT-2024-0001")
    assert make_record(customer, type="complaint").reference.endswith("TS-2024-0001")
    assert make_record(other, type="contract").reference == "KH-0202-HT-2024-0001"
    later = make_record(customer, type="contract", document_date=datetime.date(2025, 1, 2))
    assert later.reference == "KH-0101-HT-2025-0001"


def test_a_failed_filing_leaves_no_gap(customer):
    make_record(customer)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_record(customer)
        raise RuntimeError("crash after numbering")
    assert make_record(customer).reference.endswith("-0002")
    assert sorted(Record.objects.values_list("reference", flat=True)) == [
        "KH-0101-JY-2024-0001",
        "KH-0101-JY-2024-0002",
    ]


def test_filing_writes_its_audit_event_in_the_same_transaction(customer, clerk):
    record = make_record(customer, actor=clerk)
    event = AuditEvent.objects.get(action="record.created", object_id=str(record.pk))
    assert event.actor_name == "clerk"
    assert event.data["reference"] == record.reference
    assert event.customer_code == "KH-0101"


def test_metadata_only_record_is_filed_at_once(customer):
    assert make_record(customer).state == RecordState.FILED


def test_sealed_dossier_refuses_new_records(customer, clerk):
    customer.sealed = True
    customer.save()
    with pytest.raises(ValidationError, match="sealed"):
        make_record(customer, actor=clerk)
    assert not Record.objects.exists()


def test_links_must_stay_inside_the_dossier(customer, clerk):
    other = CustomerFactory.create()
    foreign_case = complaint_open(
        customer=other,
        channel="direct",
        subject="x",
        opened_on=datetime.date(2024, 1, 1),
        actor=clerk,
    )
    with pytest.raises(ValidationError):
        make_record(customer, complaint=foreign_case)


def test_unknown_type_is_refused(customer):
    with pytest.raises(ValidationError, match="invoice"):
        record_create(
            customer=customer,
            type="invoice",
            title="x",
            document_date=datetime.date(2024, 1, 1),
            actor=None,
        )


def test_customer_update_keeps_before_and_after(customer, clerk):
    customer_update(customer=customer, actor=clerk, region="华南", industry="制造业")
    event = AuditEvent.objects.get(action="customer.updated")
    assert event.data["changes"] == {"region": ["华东", "华南"]}
