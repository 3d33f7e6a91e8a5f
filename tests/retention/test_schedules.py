"""Schedules, due dates and their recomputation when a trigger changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from records_dms.accounts import roles
from records_dms.archive.models import RecordType
from records_dms.archive.services import (
    complaint_open,
    complaint_update,
    customer_update,
    record_update,
)
from records_dms.audit.models import AuditEvent
from retention import events
from retention.defaults import DEFAULT_SCHEDULES
from retention.models import RecordRetention, RetentionSchedule, Waiting
from retention.services.schedules import (
    add_period,
    contract_end_set,
    retention_state,
    schedule_create,
    schedule_for,
    schedule_update,
)
from tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 29)),
        (datetime.date(2023, 3, 1), 1, datetime.date(2024, 3, 1)),
        (datetime.date(2021, 12, 31), 3, datetime.date(2024, 12, 31)),
    ],
)
def test_years_across_leap_years(start, years, expected):
    assert add_period(start, years=years) == expected


def test_months_and_days_clamp_to_the_month_end():
    assert add_period(datetime.date(2024, 1, 31), months=1) == datetime.date(2024, 2, 29)
    assert add_period(datetime.date(2023, 1, 31), months=1) == datetime.date(2023, 2, 28)
    assert add_period(datetime.date(2024, 11, 30), months=3, days=1) == datetime.date(2025, 3, 1)


def test_defaults_cover_every_record_type_exactly_once():
    schedules = list(RetentionSchedule.objects.all())
    assert {s.code for s in schedules} == {d["code"] for d in DEFAULT_SCHEDULES}
    unconditional = [s for s in schedules if not s.complaint_severity]
    for record_type in RecordType.values:
        assert sum(record_type in s.record_types for s in unconditional) == 1, record_type
    major = RetentionSchedule.objects.get(code="complaint-major")
    assert (major.complaint_severity, major.period_years, major.trigger) == (
        "major",
        10,
        "case_closed",
    )
    normal = RetentionSchedule.objects.get(code="complaint")
    assert (normal.period_years, normal.trigger, normal.disposition) == (3, "case_closed", "review")


def test_complaint_waits_for_its_case_then_is_due_three_years_after_closing(customer, clerk):
    case = complaint_open(
        customer=customer,
        channel="forwarded_phone",
        subject="噪音",
        opened_on=datetime.date(2024, 1, 10),
        actor=clerk,
    )
    record = make_record(customer, type="complaint", complaint=case, actor=clerk)
    state = retention_state(record)
    assert state.schedule is not None and state.schedule.code == "complaint"
    assert state.due_date is None
    assert state.waiting == Waiting.CASE_OPEN
    assert state.get_waiting_display() == "waiting for the case to close"

    complaint_update(complaint=case, actor=clerk, closed_on=datetime.date(2024, 2, 29))
    state.refresh_from_db()
    assert state.trigger_date == datetime.date(2024, 2, 29)
    assert state.due_date == datetime.date(2027, 2, 28)
    assert state.waiting == ""
    recomputed = AuditEvent.objects.filter(action=events.DUE_DATES_RECOMPUTED).last()
    assert recomputed is not None
    assert recomputed.actor_name == "clerk"
    assert recomputed.data["reason"] == "complaint.updated"
    assert recomputed.data["records"][0]["due_date"] == "2027-02-28"

    # Reopened: no due date again, and it says why.
    complaint_update(complaint=case, actor=clerk, closed_on=None)
    state.refresh_from_db()
    assert (state.due_date, state.waiting) == (None, Waiting.CASE_OPEN)


def test_a_major_complaint_follows_its_own_schedule(customer, clerk):
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="重大质量事故",
        opened_on=datetime.date(2023, 5, 1),
        actor=clerk,
    )
    records = [
        make_record(customer, type=t, complaint=case, actor=clerk)
        for t in ("complaint", "complaint_handling")
    ]
    complaint_update(complaint=case, actor=clerk, closed_on=datetime.date(2023, 6, 1))
    assert {retention_state(r).due_date for r in records} == {datetime.date(2026, 6, 1)}
    # Raising the case to major moves every record of it to the major schedule at once.
    complaint_update(complaint=case, actor=clerk, severity="major")
    for record in records:
        state = RecordRetention.objects.get(record=record)
        assert state.schedule is not None and state.schedule.code == "complaint-major"
        assert state.due_date == datetime.date(2033, 6, 1)


def test_a_complaint_record_without_a_case_says_so(customer, clerk):
    record = make_record(customer, type="complaint", actor=clerk)
    assert retention_state(record).waiting == Waiting.NO_CASE


def test_document_date_schedules_and_record_changes(customer, clerk):
    record = make_record(customer, type="phone_record", document_date=datetime.date(2020, 2, 29))
    assert retention_state(record).due_date == datetime.date(2023, 2, 28)
    record_update(record=record, actor=clerk, type="minutes", reason="wrong type")
    state = RecordRetention.objects.get(record=record)
    assert state.schedule is not None
    assert (state.schedule.code, state.due_date) == ("minutes", datetime.date(2030, 2, 28))


def test_contract_waits_for_its_end_date(customer, clerk):
    contract = make_record(customer, type="contract", title="供货合同")
    amendment = make_record(customer, type="contract_amendment", title="补充协议")
    assert retention_state(contract).waiting == Waiting.CONTRACT
    contract_end_set(
        records=[contract, amendment], ended_on=datetime.date(2025, 12, 31), actor=clerk
    )
    for record in (contract, amendment):
        assert RecordRetention.objects.get(record=record).due_date == datetime.date(2035, 12, 31)
    with pytest.raises(ValidationError):
        contract_end_set(records=[make_record(customer)], ended_on=None, actor=clerk)


def test_customer_level_records_wait_for_the_relationship_to_end(customer, clerk):
    record = make_record(customer, type="feedback")
    assert retention_state(record).waiting == Waiting.RELATIONSHIP
    customer_update(
        customer=customer,
        actor=clerk,
        status="ended",
        relationship_ended_on=datetime.date(2024, 7, 1),
    )
    assert RecordRetention.objects.get(record=record).due_date == datetime.date(2029, 7, 1)


def test_editing_a_schedule_recomputes_every_record_in_bulk(customer, users, clerk):
    admin = users[roles.ADMINISTRATOR]
    records = [
        make_record(customer, type="email", document_date=datetime.date(2022, 1, day))
        for day in (1, 2, 3)
    ]
    schedule = RetentionSchedule.objects.get(code="correspondence")
    schedule_update(schedule=schedule, actor=admin, period_years=5)
    assert [RecordRetention.objects.get(record=r).due_date for r in records] == [
        datetime.date(2027, 1, d) for d in (1, 2, 3)
    ]
    changed = AuditEvent.objects.get(action=events.SCHEDULE_UPDATED)
    assert changed.actor_name == "admin"
    assert changed.data["changes"] == {"period_years": [3, 5]}
    bulk = AuditEvent.objects.filter(action=events.DUE_DATES_RECOMPUTED).last()
    assert bulk is not None
    assert bulk.data["count"] == 3


def test_only_administrators_edit_schedules(users):
    schedule = RetentionSchedule.objects.get(code="minutes")
    for role in (roles.CLERK, roles.COMPLIANCE, roles.AUDITOR, roles.STAFF):
        with pytest.raises(PermissionDenied):
            schedule_update(schedule=schedule, actor=users[role], period_years=1)
    schedule.refresh_from_db()
    assert schedule.period_years == 10


def test_two_schedules_may_not_claim_the_same_records(users):
    admin = users[roles.ADMINISTRATOR]
    with pytest.raises(ValidationError, match="already applies"):
        schedule_create(
            actor=admin,
            code="minutes-2",
            name="x",
            record_types=["minutes"],
            trigger="document_date",
            period_years=1,
        )
    # A narrower condition is allowed and wins for the records it matches.
    schedule = RetentionSchedule.objects.get(code="complaint-major")
    assert schedule.complaint_severity == "major"


def test_a_conditioned_schedule_beats_the_general_one(customer, clerk):
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="重大",
        opened_on=datetime.date(2024, 1, 1),
        actor=clerk,
        severity="major",
    )
    record = make_record(customer, type="complaint", complaint=case)
    chosen = schedule_for(record, list(RetentionSchedule.objects.all()))
    assert chosen is not None and chosen.code == "complaint-major"
