"""Reads of the audit trail: the events a filter selects, and the choices a filter offers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from records_dms.audit.events import event_label
from records_dms.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor_name: str = ""
    action: str = ""
    customer_code: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # inclusive

    def as_params(self) -> dict[str, Any]:
        """The filters that are set, as plain values (for links and the audit trail)."""
        return {
            key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in self.__dict__.items()
            if value not in (None, "")
        }


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the filters select, newest first; dates are local days, both inclusive."""
    events = AuditEvent.objects.order_by("-sequence")
    for name in ("actor_name", "action", "customer_code"):
        if value := getattr(filters, name):
            events = events.filter(**{name: value})
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        events = events.filter(occurred_at__lt=_start_of(next_day))
    return events


def _distinct(field: str) -> list[str]:
    values = AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct()
    return [value for value in values if value]


def action_choices() -> list[tuple[str, str]]:
    """Every action the trail holds, labelled, for a choice list."""
    return sorted(((code, event_label(code)) for code in _distinct("action")), key=lambda c: c[1])


def actor_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in _distinct("actor_name")]


def customer_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in _distinct("customer_code")]
