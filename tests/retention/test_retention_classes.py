"""DA/T 22-2015 retention classes on schedules: 永久 Y, 定期30年 D30, 定期10年 D10, custom."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from records_dms.accounts import roles
from records_dms.archive.references import retention_class_of
from retention.models import RetentionSchedule
from retention.services.review import retention_keep_permanently
from retention.services.schedules import schedule_create, schedule_update
from tests.factories import make_record

pytestmark = pytest.mark.django_db


def test_default_schedules_carry_the_standard_classes():
    codes = {s.code: (s.retention_class, s.class_code()) for s in RetentionSchedule.objects.all()}
    assert codes["complaint-major"] == ("D10", "D10")
    assert codes["contract"] == ("D10", "D10")
    assert codes["archive-permanent"] == ("Y", "Y")
    # A custom period is coded by its years (DA/T 22 leaves other periods to the archive).
    assert codes["complaint"] == ("", "D3")
    assert codes["customer"] == ("", "D5")


def test_a_custom_period_of_months_is_coded_by_its_years_rounded_up():
    schedule = RetentionSchedule(period_years=2, period_months=6)
    assert schedule.class_code() == "D3"
    assert RetentionSchedule(period_days=30).class_code() == "D1"


def test_a_standard_class_fixes_its_period_and_disposition(users):
    admin = users[roles.ADMINISTRATOR]
    minutes = RetentionSchedule.objects.get(code="minutes")
    with pytest.raises(ValidationError, match="exactly 30 years"):
        schedule_update(schedule=minutes, actor=admin, retention_class="D30")
    with pytest.raises(ValidationError, match="Keep permanently"):
        schedule_update(schedule=minutes, actor=admin, retention_class="Y")
    minutes.refresh_from_db()
    assert (minutes.retention_class, minutes.period_years) == ("D10", 10)
    schedule_update(schedule=minutes, actor=admin, retention_class="D30", period_years=30)
    minutes.refresh_from_db()
    assert minutes.class_code() == "D30"


def test_a_new_schedule_may_be_permanent(users):
    schedule = schedule_create(
        actor=users[roles.ADMINISTRATOR],
        code="forever",
        name="永久",
        record_types=["feedback"],
        complaint_severity="major",
        trigger="document_date",
        disposition="keep_permanently",
        retention_class="Y",
    )
    assert schedule.class_code() == "Y"


def test_the_record_class_is_its_schedules_or_y_when_kept_permanently(customer, clerk):
    record = make_record(customer, type="survey")
    assert retention_class_of(record) == "D3"
    retention_keep_permanently(records=[record], reason="质量事故证据", actor=clerk)
    assert retention_class_of(record) == "Y"


def test_the_migration_marks_existing_standard_periods_and_leaves_custom_ones():
    migration = importlib.import_module("retention.migrations.0005_retention_class")
    RetentionSchedule.objects.update(retention_class="")
    RetentionSchedule.objects.filter(code="customer").update(period_years=30)
    migration.classes_backfill(apps, None)
    classes = dict(RetentionSchedule.objects.values_list("code", "retention_class"))
    assert classes == {
        "complaint": "",
        "complaint-major": "D10",
        "contract": "D10",
        "minutes": "D10",
        "correspondence": "",
        "customer": "D30",
        "archive-permanent": "Y",
    }


def test_a_record_no_schedule_covers_is_coded_y(customer):
    RetentionSchedule.objects.filter(code="minutes").update(active=False)
    assert retention_class_of(make_record(customer, type="minutes")) == "Y"
