"""Reads behind the QMS views, dashboards and exports.

Every selector takes ``user`` and reads only what the permission policy lets that user see,
so a staff member's figures cover the customers granted to them and an auditor's the archive.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from records_dms.accounts.policy import AnyUser, policy
from records_dms.archive.models import (
    ComplaintCase,
    ComplaintChannel,
    ComplaintRegister,
    Customer,
    Record,
    RecordState,
    RecordType,
    RelationshipStatus,
    Severity,
)
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.audit import events as audit_events
from records_dms.audit.models import AuditEvent
from records_dms.common.todo import LINES, TodoItem, TodoLine
from records_dms.fixity import services as fixity_events
from records_dms.reports import events as report_events
from records_dms.reports.models import SurveyResult
from records_dms.reports.permissions import EXPORT

# Complaints ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFilters:
    customer: str = ""  # customer code
    year: int | None = None
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    channel: str = ""
    severity: str = ""
    status: str = ""  # "open" or "closed"

    def as_params(self) -> dict[str, Any]:
        """The filters that are set, as plain values (for links and the audit trail)."""
        return {
            key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in self.__dict__.items()
            if value not in (None, "")
        }


@dataclass
class ComplaintRow:
    case: ComplaintCase
    records: list[Record] = field(default_factory=list)

    @property
    def days_to_close(self) -> int | None:
        if self.case.closed_on is None:
            return None
        return (self.case.closed_on - self.case.opened_on).days


@dataclass
class ComplaintRegisterData:
    forwarded: list[ComplaintRow]
    direct: list[ComplaintRow]
    major: list[ComplaintRow]

    @property
    def count(self) -> int:
        return len(self.forwarded) + len(self.direct)


def complaint_cases(user: AnyUser, filters: ComplaintFilters) -> QuerySet[ComplaintCase]:
    """Complaint cases of the customers the user may see, narrowed by the filters."""
    cases = ComplaintCase.objects.filter(customer__in=visible_customers(user=user))
    if filters.customer:
        cases = cases.filter(customer__code=filters.customer.strip().upper())
    if filters.year:
        cases = cases.filter(opened_on__year=filters.year)
    if filters.opened_from:
        cases = cases.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_on__lte=filters.opened_to)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.severity:
        cases = cases.filter(severity=filters.severity)
    if filters.status == "open":
        cases = cases.filter(closed_on__isnull=True)
    elif filters.status == "closed":
        cases = cases.filter(closed_on__isnull=False)
    return cases.select_related("customer", "volume").order_by("opened_on", "number")


def complaint_register(user: AnyUser, filters: ComplaintFilters) -> ComplaintRegisterData:
    """The register (投诉台账): forwarded and direct cases apart, major cases listed again."""
    rows = [ComplaintRow(case) for case in complaint_cases(user, filters)]
    by_id = {row.case.pk: row for row in rows}
    records = (
        visible_records(user=user)
        .filter(complaint_id__in=by_id)
        .order_by("document_date", "reference")
        .only("pk", "reference", "title", "document_date", "complaint_id", "type")
    )
    for record in records:
        if record.complaint_id is not None:
            by_id[record.complaint_id].records.append(record)
    return ComplaintRegisterData(
        forwarded=[r for r in rows if r.case.register == ComplaintRegister.FORWARDED],
        direct=[r for r in rows if r.case.register == ComplaintRegister.DIRECT],
        major=[r for r in rows if r.case.severity == Severity.MAJOR],
    )


def complaints_per_month(user: AnyUser, year: int, by: str) -> dict[str, list[int]]:
    """Cases opened in each month of ``year``: {channel or severity: [12 counts]}."""
    keys = ComplaintChannel.values if by == "channel" else Severity.values
    result = {key: [0] * 12 for key in keys}
    counts = (
        ComplaintCase.objects.filter(
            customer__in=visible_customers(user=user), opened_on__year=year
        )
        .annotate(month=ExtractMonth("opened_on"))
        .values("month", by)
        .annotate(n=Count("id"))
    )
    for row in counts:
        result[row[by]][row["month"] - 1] += row["n"]
    return result


@dataclass(frozen=True)
class CloseTimes:
    closed: int
    still_open: int
    mean_days: float | None
    median_days: float | None
    mean_by_month: list[float | None]  # by the month the case was opened


def time_to_close(user: AnyUser, year: int) -> CloseTimes:
    """How long the cases opened in ``year`` took to close, in days."""
    cases = ComplaintCase.objects.filter(
        customer__in=visible_customers(user=user), opened_on__year=year
    ).values_list("opened_on", "closed_on")
    days: list[int] = []
    months: dict[int, list[int]] = defaultdict(list)
    still_open = 0
    for opened_on, closed_on in cases:
        if closed_on is None:
            still_open += 1
            continue
        days.append((closed_on - opened_on).days)
        months[opened_on.month].append(days[-1])
    return CloseTimes(
        closed=len(days),
        still_open=still_open,
        mean_days=round(sum(days) / len(days), 1) if days else None,
        median_days=float(median(days)) if days else None,
        mean_by_month=[
            round(sum(months[m]) / len(months[m]), 1) if months[m] else None for m in range(1, 13)
        ],
    )


# Records ---------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local year as [start, end) instants: plain comparisons, no per-row date function."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def records_dated_per_month(user: AnyUser, year: int) -> dict[str, list[int]]:
    """Records whose DOCUMENT date falls in each month of ``year``, per type: a year's figures
    describe the documents of that year, whenever they were filed."""
    result = {key: [0] * 12 for key in RecordType.values}
    rows = (
        visible_records(user=user)
        .filter(document_date__year=year)
        .annotate(month=ExtractMonth("document_date"))
        .values("type", "month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        result[row["type"]][row["month"] - 1] += row["n"]
    return result


def record_years(user: AnyUser) -> list[int]:
    """The years the user's records are dated in, and this year, newest first (a year picker)."""
    years = (
        visible_records(user=user)
        .annotate(year=ExtractYear("document_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted({*(y for y in years if y), timezone.localdate().year}, reverse=True)


def records_by_confidentiality(user: AnyUser) -> dict[str, int]:
    live = visible_records(user=user).exclude(state=RecordState.DESTROYED)
    return {
        row["confidentiality"]: row["n"]
        for row in live.values("confidentiality").annotate(n=Count("id"))
    }


# Satisfaction ----------------------------------------------------------------------------------


def satisfaction_target() -> Decimal:
    return Decimal(str(settings.REPORTS.satisfaction_target))


@dataclass(frozen=True)
class YearScore:
    customer: Customer
    year: int
    surveys: int
    mean: Decimal
    lowest: Decimal
    below_target: bool


def own_dossier_code() -> str:
    """The archive's own dossier (certificates of destruction): not a customer of the QMS."""
    return str(settings.RETENTION.archive_own_code).upper()


def survey_results(user: AnyUser) -> QuerySet[SurveyResult]:
    return (
        SurveyResult.objects.filter(
            record__in=visible_records(user=user).exclude(state=RecordState.DESTROYED)
        )
        .exclude(record__customer__code=own_dossier_code())
        .select_related("record", "record__customer")
    )


def satisfaction_by_customer_year(user: AnyUser, customer: str = "") -> list[YearScore]:
    """Each customer's surveys per year: count, mean and lowest overall score, and the flag.

    A year is flagged when its mean is below ``DMS_SATISFACTION_TARGET`` (the seeds: below
    target calls for corrective and preventive action).
    """
    target = satisfaction_target()
    grouped: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    customers: dict[int, Customer] = {}
    results = survey_results(user)
    if customer:
        results = results.filter(record__customer__code=customer.strip().upper())
    for result in results:
        key = (result.record.customer_id, result.record.document_date.year)
        grouped[key].append(result.overall)
        customers[result.record.customer_id] = result.record.customer
    rows = []
    for (customer_id, year), scores in grouped.items():
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.1"))
        rows.append(
            YearScore(
                customer=customers[customer_id],
                year=year,
                surveys=len(scores),
                mean=mean,
                lowest=min(scores),
                below_target=mean < target,
            )
        )
    return sorted(rows, key=lambda r: (r.customer.code, r.year))


def satisfaction_trend(user: AnyUser) -> dict[int, Decimal]:
    """The archive's (or the user's customers') mean overall score per survey year."""
    rows = (
        survey_results(user)
        .annotate(year=ExtractYear("record__document_date"))
        .values("year")
        .annotate(mean=Avg("overall"))
        .order_by("year")
    )
    return {row["year"]: Decimal(str(row["mean"])).quantize(Decimal("0.1")) for row in rows}


def customers_without_survey(
    user: AnyUser, today: datetime.date | None = None
) -> QuerySet[Customer]:
    """Active customers with no survey record dated within the last 12 months (seeds: ≥1/year).

    Each carries ``last_survey``: the date of its latest survey, or None if it never had one.
    """
    today = today or timezone.localdate()
    since = months_before(today, 12)
    surveys = Record.objects.filter(type=RecordType.SURVEY).exclude(state=RecordState.DESTROYED)
    recent = surveys.filter(document_date__gt=since, document_date__lte=today)
    last = surveys.filter(customer=OuterRef("pk")).order_by("-document_date")
    return (
        visible_customers(user=user)
        .filter(status=RelationshipStatus.ACTIVE)
        .exclude(code=own_dossier_code())
        .exclude(pk__in=recent.values("customer_id"))
        .annotate(last_survey=Subquery(last.values("document_date")[:1]))
        .order_by("code")
    )


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last_day))


# The to-do (待办事项) of auditors ----------------------------------------------------------------

# What the auditor's to-do calls an incident: an original found damaged or missing, an account
# locked after failed sign-ins.
INCIDENTS = (fixity_events.FIXITY_FAILED, audit_events.LOGIN_LOCKED)
EXPORTS = (report_events.REPORT_EXPORTED, audit_events.AUDIT_EXPORTED)
RECENT_DAYS = 30  # how far back the auditor's to-do looks


def _event_line(event: AuditEvent, text: str, url: str, warn: bool = False) -> TodoLine:
    return TodoLine(f"{timezone.localtime(event.occurred_at):%Y-%m-%d %H:%M} · {text}", url, warn)


def todo(*, user: AnyUser) -> list[TodoItem]:
    """Auditors: their own recent searches and exports, and the audit trail's latest incidents."""
    if not policy.has(user, EXPORT):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    mine = AuditEvent.objects.filter(actor_id=user.pk, occurred_at__gte=since)
    search_url = reverse("archive:search")
    searches = mine.filter(action=audit_events.SEARCHED).order_by("-sequence")
    exports = mine.filter(action__in=EXPORTS).order_by("-sequence")
    trail = reverse("audit:audit")
    incidents = AuditEvent.objects.filter(action__in=INCIDENTS, occurred_at__gte=since)
    incidents = incidents.order_by("-sequence")
    return [
        TodoItem(
            "reports_searches", _("My recent searches"), searches.count(), search_url,
            [
                _event_line(e, str(e.data.get("query", "")),
                            f"{search_url}?{urlencode({'q': e.data.get('query', '')})}")
                for e in searches[:LINES]
            ],
        ),
        TodoItem(
            "reports_exports", _("My exports"), exports.count(), reverse("reports:catalogues"),
            [
                _event_line(e, str(e.data.get("report") or e.action),
                            f"{trail}?{urlencode({'action': e.action})}")
                for e in exports[:LINES]
            ],
        ),
        TodoItem(
            "audit_incidents", _("Latest incidents in the audit trail"), incidents.count(),
            f"{trail}?{urlencode({'action': INCIDENTS[0]})}",
            [
                _event_line(e, f"{e.action} · {e.object_repr or e.actor_name}",
                            f"{trail}?{urlencode({'action': e.action})}", warn=True)
                for e in incidents[:LINES]
            ],
            warn=incidents.exists(),
        ),
    ]  # fmt: skip
