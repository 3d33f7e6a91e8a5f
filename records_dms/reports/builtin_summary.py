"""The yearly summary's sections that come from the archive itself (customers, records,
complaints, satisfaction); lending and retention register theirs from their own apps."""

from __future__ import annotations

import datetime

from django.db.models import Count as CountOf
from django.db.models import Min, Q
from django.utils import timezone
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
    """A customer counts from its creation or its earliest dated record, whichever is first
    (a dossier filed today with records of 2024 was a customer in 2024)."""
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    customers = visible_customers(user=user).exclude(code=selectors.own_dossier_code())
    since = []
    pairs = customers.annotate(earliest=Min("records__document_date")).values_list(
        "created_at", "earliest"
    )
    for created_at, earliest in pairs:
        created = timezone.localdate(created_at)
        since.append(min(created, earliest) if earliest else created)
    return [
        (_("Customers at year end"), sum(1 for day in since if day <= last_day)),
        (_("New customers"), sum(1 for day in since if first_day <= day <= last_day)),
        (_("Relationships ended"), customers.filter(relationship_ended_on__year=year).count()),
    ]


def summary_records(user: AnyUser, year: int) -> Lines:
    """Records counted by their DOCUMENT date, not the day they were filed."""
    records = visible_records(user=user)
    dated = dict(
        records.filter(document_date__year=year).values_list("type").annotate(n=CountOf("id"))
    )
    lines: list[tuple[object, int]] = [
        (RecordType(value).label, dated.get(value, 0)) for value in RecordType.values
    ]
    lines.append((_("Records dated in the year"), sum(dated.values())))
    lines.append(
        (
            _("Records held at year end"),
            records.filter(document_date__lte=datetime.date(year, 12, 31))
            .exclude(state=RecordState.DESTROYED)
            .count(),
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
