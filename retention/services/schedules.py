"""Which schedule a record follows, when its clock starts, and when it comes up for review."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, RecordState, RecordType, Severity
from records_dms.archive.permissions import CHANGE_RECORD
from records_dms.archive.references import retention_class_of
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from retention import events
from retention.locks import DueChange, locks_after_recompute
from retention.models import (
    Disposition,
    RecordRetention,
    RetentionClass,
    RetentionSchedule,
    TriggerEvent,
    Waiting,
)
from retention.permissions import MANAGE_SCHEDULES

SCHEDULE_FIELDS = (
    "name",
    "record_types",
    "complaint_severity",
    "trigger",
    "period_years",
    "period_months",
    "period_days",
    "disposition",
    "retention_class",
    "active",
)


def add_period(
    start: datetime.date, *, years: int = 0, months: int = 0, days: int = 0
) -> datetime.date:
    """``start`` plus a period; a day the target month lacks (29 Feb) becomes its last day."""
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) + datetime.timedelta(days=days)


def _severity(record: Record) -> str:
    return record.complaint.severity if record.complaint is not None else Severity.NORMAL


def schedule_for(
    record: Record, schedules: Sequence[RetentionSchedule]
) -> RetentionSchedule | None:
    """The one active schedule for the record: one with a matching condition beats one without."""
    best: RetentionSchedule | None = None
    for schedule in schedules:
        if not schedule.active or record.type not in schedule.record_types:
            continue
        if schedule.complaint_severity and schedule.complaint_severity != _severity(record):
            continue
        if best is None or (schedule.complaint_severity and not best.complaint_severity):
            best = schedule
    return best


def _trigger_date(
    record: Record, schedule: RetentionSchedule, state: RecordRetention, last_activity: Any
) -> tuple[datetime.date | None, str]:
    trigger = schedule.trigger
    if trigger == TriggerEvent.DOCUMENT_DATE:
        return record.document_date, Waiting.NONE
    if trigger == TriggerEvent.CASE_CLOSED:
        if record.complaint is None:
            return None, Waiting.NO_CASE
        closed = record.complaint.closed_on
        return (closed, Waiting.NONE) if closed else (None, Waiting.CASE_OPEN)
    if trigger == TriggerEvent.CONTRACT_ENDED:
        ended = state.contract_ended_on
        return (ended, Waiting.NONE) if ended else (None, Waiting.CONTRACT)
    if trigger == TriggerEvent.RELATIONSHIP_ENDED:
        ended = record.customer.relationship_ended_on
        return (ended, Waiting.NONE) if ended else (None, Waiting.RELATIONSHIP)
    return last_activity.get(record.customer_id) or record.document_date, Waiting.NONE


def _compute(
    record: Record,
    state: RecordRetention,
    schedules: Sequence[RetentionSchedule],
    last_activity: dict[int, datetime.date],
) -> None:
    schedule = schedule_for(record, schedules)
    state.schedule = schedule
    if schedule is None:
        state.trigger_date, state.due_date, state.waiting = None, None, Waiting.NO_SCHEDULE
        return
    state.trigger_date, state.waiting = _trigger_date(record, schedule, state, last_activity)
    if state.keep_permanently or schedule.disposition == Disposition.KEEP_PERMANENTLY:
        state.due_date, state.waiting = None, Waiting.PERMANENT
    elif state.extended_to is not None:
        state.due_date = state.extended_to
    elif state.trigger_date is None:
        state.due_date = None
    else:
        state.due_date = add_period(
            state.trigger_date,
            years=schedule.period_years,
            months=schedule.period_months,
            days=schedule.period_days,
        )


def retention_recompute(record_ids: Iterable[int], *, actor: User, reason: str) -> int:
    """Recompute schedule and due date of these records in bulk; audited if any changed."""
    ids = sorted(set(record_ids))
    if not ids:
        return 0
    schedules = list(RetentionSchedule.objects.filter(active=True))
    changed: list[dict[str, Any]] = []
    with transaction.atomic():
        records = (
            Record.objects.filter(pk__in=ids)
            .exclude(state=RecordState.DESTROYED)
            .select_related("complaint", "customer")
        )
        customers = {r.customer_id for r in records}
        last_activity = dict(
            Record.objects.filter(customer_id__in=customers)
            .values_list("customer_id")
            .annotate(latest=Max("document_date"))
        )
        existing = {s.record_id: s for s in RecordRetention.objects.filter(record_id__in=ids)}
        to_create, to_update = [], []
        due_changes: list[DueChange] = []
        for record in records:
            state = existing.get(record.pk) or RecordRetention(record=record)
            before = (state.schedule_id, state.trigger_date, state.due_date, state.waiting)
            _compute(record, state, schedules, last_activity)
            after = (state.schedule_id, state.trigger_date, state.due_date, state.waiting)
            if before[2] != after[2]:
                due_changes.append((record, before[2], after[2]))
            if record.pk not in existing:
                to_create.append(state)
            elif before != after:
                to_update.append(state)
            else:
                continue
            changed.append(
                {
                    "reference": record.reference,
                    "schedule": state.schedule.code if state.schedule else None,
                    "due_date": state.due_date.isoformat() if state.due_date else None,
                    "waiting": state.waiting,
                }
            )
        RecordRetention.objects.bulk_create(to_create)
        RecordRetention.objects.bulk_update(
            to_update, ["schedule", "trigger_date", "due_date", "waiting"]
        )
        # S3 Object Lock follows, before the commit (a no-op on the local folder).
        locks_after_recompute(due_changes, [s.record for s in to_create])
        if changed:
            audit_log(
                action=events.DUE_DATES_RECOMPUTED,
                actor=actor,
                data={"reason": reason, "count": len(changed), "records": changed[:500]},
            )
    return len(changed)


def retention_on_trigger(record_ids: Sequence[int], *, actor: User, reason: str) -> None:
    """The archive's trigger hand-over: recompute these records and, for 'last activity'
    schedules, every record of the same dossiers."""
    ids = set(record_ids)
    if RetentionSchedule.objects.filter(active=True, trigger=TriggerEvent.LAST_ACTIVITY).exists():
        customers = Record.objects.filter(pk__in=ids).values("customer_id")
        ids |= set(Record.objects.filter(customer_id__in=customers).values_list("pk", flat=True))
    retention_recompute(ids, actor=actor, reason=reason)


def retention_backfill() -> int:
    """Give every record filed before retention existed (or missed) its due date."""
    missing = Record.objects.filter(retention__isnull=True).exclude(state=RecordState.DESTROYED)
    return retention_recompute(
        list(missing.values_list("pk", flat=True)), actor=None, reason="backfill"
    )


def retention_class_code(record: Record) -> str:
    """The 保管期限 code (DA/T 22) of the record's schedule: Y, D30, D10 or a custom D<n>;
    Y when it is kept permanently by decision, "" when no schedule applies. A record not yet
    saved (a reference being given) gets the schedule it is about to follow."""
    rows = RecordRetention.objects.filter(record_id=record.pk).select_related("schedule")
    state = rows.first() if record.pk is not None else None
    if state is not None and state.keep_permanently:
        return RetentionClass.PERMANENT.value
    if state is not None:
        schedule = state.schedule
    else:
        schedule = schedule_for(record, list(RetentionSchedule.objects.filter(active=True)))
    return schedule.class_code() if schedule is not None else ""


def retention_state(record: Record) -> RecordRetention:
    """The record's retention row, computed now if it has none yet."""
    state = RecordRetention.objects.filter(record=record).select_related("schedule").first()
    if state is None:
        retention_recompute([record.pk], actor=None, reason="first look")
        state = RecordRetention.objects.select_related("schedule").get(record=record)
    return state


# Schedules --------------------------------------------------------------------------------


def _schedule_check(schedule: RetentionSchedule) -> None:
    """Every record gets exactly one schedule: no two active ones claim the same type+condition."""
    unknown = set(schedule.record_types) - set(RecordType.values)
    if not schedule.record_types or unknown:
        raise ValidationError(_("Choose at least one known record type."))
    if not schedule.active:
        return
    others = RetentionSchedule.objects.filter(
        active=True, complaint_severity=schedule.complaint_severity
    ).exclude(pk=schedule.pk)
    for other in others:
        overlap = set(other.record_types) & set(schedule.record_types)
        if overlap:
            raise ValidationError(
                _("Schedule %(code)s already applies to %(types)s under the same condition.")
                % {"code": other.code, "types": ", ".join(sorted(overlap))}
            )


def _affected(schedule: RetentionSchedule, types: Iterable[str]) -> list[int]:
    return list(
        Record.objects.filter(type__in=set(types))
        .exclude(state=RecordState.DESTROYED)
        .values_list("pk", flat=True)
    )


def schedule_create(*, actor: User, code: str, **fields: Any) -> RetentionSchedule:
    """Add a schedule (administrators); the records it now governs get their due dates."""
    policy.require(actor, MANAGE_SCHEDULES)
    with transaction.atomic():
        schedule = RetentionSchedule(code=code)
        for name in SCHEDULE_FIELDS:
            if name in fields:
                setattr(schedule, name, fields[name])
        schedule.full_clean()
        _schedule_check(schedule)
        schedule.save()
        audit_log(
            action=events.SCHEDULE_CREATED,
            actor=actor,
            obj=schedule,
            data={name: getattr(schedule, name) for name in ("code", *SCHEDULE_FIELDS)},
        )
        retention_recompute(
            _affected(schedule, schedule.record_types), actor=actor, reason="schedule created"
        )
    return schedule


def schedule_update(
    *, schedule: RetentionSchedule, actor: User, **fields: Any
) -> RetentionSchedule:
    """Change a schedule; every record it governed or now governs is recomputed at once."""
    policy.require(actor, MANAGE_SCHEDULES)
    with transaction.atomic():
        schedule = RetentionSchedule.objects.select_for_update().get(pk=schedule.pk)
        old_types = list(schedule.record_types)
        changes = {}
        for name in SCHEDULE_FIELDS:
            if name in fields and fields[name] != getattr(schedule, name):
                changes[name] = [getattr(schedule, name), fields[name]]
                setattr(schedule, name, fields[name])
        if not changes:
            return schedule
        schedule.full_clean()
        _schedule_check(schedule)
        schedule.save()
        audit_log(
            action=events.SCHEDULE_UPDATED, actor=actor, obj=schedule, data={"changes": changes}
        )
        retention_recompute(
            _affected(schedule, [*old_types, *schedule.record_types]),
            actor=actor,
            reason=f"schedule {schedule.code} changed",
        )
    return schedule


def contract_end_set(
    *, records: Sequence[Record], ended_on: datetime.date | None, actor: User
) -> int:
    """Record that a contract (and its amendments) ended, or clear it; due dates follow."""
    policy.require(actor, CHANGE_RECORD)
    allowed = {RecordType.CONTRACT, RecordType.CONTRACT_AMENDMENT}
    if any(r.type not in allowed for r in records):
        raise ValidationError(_("Only contracts and contract amendments have an end date."))
    with transaction.atomic():
        ids = [r.pk for r in records]
        retention_recompute(ids, actor=actor, reason="first look")
        RecordRetention.objects.filter(record_id__in=ids).update(contract_ended_on=ended_on)
        audit_log(
            action=events.CONTRACT_END_SET,
            actor=actor,
            data={
                "records": [r.reference for r in records],
                "ended_on": ended_on.isoformat() if ended_on else None,
            },
        )
        retention_recompute(ids, actor=actor, reason="contract end date set")
    return len(ids)


def record_retention_panel(record: Record) -> dict[str, Any]:
    """What the record page shows about retention: schedule, due date or why none, holds."""
    from retention.models import DestructionItem, ItemState
    from retention.services.holds import holds_on

    if record.state == RecordState.DESTROYED:
        item = (
            DestructionItem.objects.filter(record=record, state=ItemState.DESTROYED)
            .select_related("request")
            .first()
        )
        return {"destroyed": item}
    return {
        "state": retention_state(record),
        "class_code": retention_class_of(record),  # as the 归档章 shows it
        "holds": holds_on([record]).get(record.pk, []),
    }
