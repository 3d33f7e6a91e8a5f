"""The yearly summary's sections that come from the archive itself (customers, records,
complaints, satisfaction); lending and retention register theirs from their own apps."""

from __future__ import annotations

import datetime

from django.db.models import Count as CountOf
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records_dms.accounts.policy import AnyUser
from records_dms.archive.models import (
    ComplaintCase,
    ComplaintRegister,
    RecordState,
    RecordType,
    Severity,
)
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.reports import selectors
from records_dms.reports.summary import Lines, SummarySection, summary_section_register


def summary_customers(user: AnyUser, year: int) -> Lines:
    start, end = selectors.year_bounds(year)
    customers = visible_customers(user=user)
    return [
        (_("Customers at year end"), customers.filter(created_at__lt=end).count()),
        (
            _("New customers"),
            customers.filter(created_at__gte=start, created_at__lt=end).count(),
        ),
        (_("Relationships ended"), customers.filter(relationship_ended_on__year=year).count()),
    ]


def summary_records(user: AnyUser, year: int) -> Lines:
    records = visible_records(user=user)
    start, end = selectors.year_bounds(year)
    filed = dict(
        records.filter(created_at__gte=start, created_at__lt=end)
        .values_list("type")
        .annotate(n=CountOf("id"))
    )
    lines: list[tuple[object, int]] = [
        (RecordType(value).label, filed.get(value, 0)) for value in RecordType.values
    ]
    lines.append((_("Records filed in the year"), sum(filed.values())))
    lines.append(
        (
            _("Records held at year end"),
            records.filter(created_at__lt=end).exclude(state=RecordState.DESTROYED).count(),
        )
    )
    return lines  # type: ignore[return-value]


def summary_complaints(user: AnyUser, year: int) -> Lines:
    cases = ComplaintCase.objects.filter(customer__in=visible_customers(user=user))
    opened = cases.filter(opened_on__year=year)
    counts = opened.aggregate(
        forwarded=CountOf("id", filter=Q(register=ComplaintRegister.FORWARDED)),
        direct=CountOf("id", filter=Q(register=ComplaintRegister.DIRECT)),
        major=CountOf("id", filter=Q(severity=Severity.MAJOR)),
    )
    return [
        (_("Forwarded complaints"), counts["forwarded"]),
        (_("Directly received complaints"), counts["direct"]),
        (_("Major complaints"), counts["major"]),
        (_("Complaints closed in the year"), cases.filter(closed_on__year=year).count()),
        (
            _("Complaints open at year end"),
            cases.filter(opened_on__lte=datetime.date(year, 12, 31))
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=datetime.date(year, 12, 31)))
            .count(),
        ),
    ]


def summary_satisfaction(user: AnyUser, year: int) -> Lines:
    rows = [r for r in selectors.satisfaction_by_customer_year(user) if r.year == year]
    return [
        (_("Surveys"), sum(r.surveys for r in rows)),
        (_("Customers surveyed"), len(rows)),
        (_("Customers below target"), sum(1 for r in rows if r.below_target)),
    ]


for _section in (
    SummarySection("customers", gettext_lazy("Customers"), summary_customers, order=10),
    SummarySection("records", gettext_lazy("Records by type"), summary_records, order=20),
    SummarySection("complaints", gettext_lazy("Complaints"), summary_complaints, order=30),
    SummarySection(
        "satisfaction", gettext_lazy("Satisfaction surveys"), summary_satisfaction, order=35
    ),
):
    summary_section_register(_section)
