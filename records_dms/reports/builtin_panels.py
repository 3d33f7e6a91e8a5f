"""Panels and summary sections whose data exists in the archive and ingestion."""

from __future__ import annotations

import datetime
from collections import Counter as Tally

from django.db.models import Count as CountOf
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ingestion.models import IngestionJob, JobStatus
from records_dms.accounts import roles
from records_dms.accounts.policy import AnyUser
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import (
    ComplaintCase,
    ComplaintChannel,
    RecordType,
    Severity,
)
from records_dms.archive.permissions import ADD_RECORD, VIEW_RECORD
from records_dms.archive.selectors import visible_customers
from records_dms.reports import selectors
from records_dms.reports.charts import Series, bar_chart, line_chart
from records_dms.reports.panels import (
    Count,
    Panel,
    PanelData,
    Table,
    dashboard_year,
    panel_register,
)

RECENT_DAYS = 14


def month_labels() -> list[str]:
    return [str(MONTHS_AP[m]) for m in range(1, 13)]


def this_year() -> int:
    """The dashboard's year: the one picked on the home page, else this year."""
    return dashboard_year()


# One colour per record type, the same in every chart whichever types a chart shows.
TYPE_COLORS: dict[str, str] = {
    RecordType.CONTRACT: "#1f77b4",
    RecordType.CONTRACT_AMENDMENT: "#17becf",
    RecordType.MINUTES: "#2ca02c",
    RecordType.PHONE_RECORD: "#ff7f0e",
    RecordType.EMAIL: "#9467bd",
    RecordType.SURVEY: "#bcbd22",
    RecordType.COMPLAINT: "#d62728",
    RecordType.COMPLAINT_HANDLING: "#e377c2",
    RecordType.FEEDBACK: "#8c564b",
    RecordType.OTHER: "#7f7f7f",
    RecordType.DESTRUCTION_CERTIFICATE: "#393b79",
}


def _monthly_table(series: list[Series]) -> Table:
    months = month_labels()
    return Table(
        headers=[_("Month"), *[s.label for s in series], _("Total")],
        rows=[
            [month, *[s.values[i] for s in series], sum(s.values[i] or 0 for s in series)]
            for i, month in enumerate(months)
        ],
    )


# Clerk -------------------------------------------------------------------------------------------


def ingestion_queue(user: AnyUser) -> PanelData:
    jobs = IngestionJob.objects.filter(customer__in=visible_customers(user=user))
    by_status = dict(jobs.values_list("status").annotate(n=CountOf("id")))
    jobs_url = reverse("ingestion:jobs")
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS - 1)
    days = [since + datetime.timedelta(days=n) for n in range(RECENT_DAYS)]
    recent = Tally(
        (timezone.localdate(created), status)
        for created, status in jobs.filter(
            created_at__date__gte=since - datetime.timedelta(days=1)
        ).values_list("created_at", "status")
    )
    shown = [JobStatus.FILED, JobStatus.DUPLICATE, JobStatus.REJECTED, JobStatus.FAILED]
    series = [
        Series(str(status), str(status.label), [recent[(day, str(status))] for day in days])
        for status in shown
    ]
    labels = [day.strftime("%m-%d") for day in days]
    failures = jobs.filter(status=JobStatus.FAILED).select_related("customer")
    return PanelData(
        counts=[
            Count(_("Queued"), by_status.get(JobStatus.QUEUED, 0), f"{jobs_url}?status=queued"),
            Count(
                _("Processing"),
                by_status.get(JobStatus.PROCESSING, 0),
                f"{jobs_url}?status=processing",
            ),
            Count(
                _("Failed"),
                by_status.get(JobStatus.FAILED, 0),
                f"{jobs_url}?status=failed",
                warn=bool(by_status.get(JobStatus.FAILED)),
            ),
            Count(
                pgettext("upload", "Rejected"),
                by_status.get(JobStatus.REJECTED, 0),
                f"{jobs_url}?status=rejected",
            ),
        ],
        chart=bar_chart(_("Files received in the last 14 days"), labels, series),
        table=Table(
            headers=[_("time"), _("customer code"), _("file name"), _("reason")],
            rows=[
                [
                    timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M"),
                    job.customer.code,
                    job.original_name,
                    job.reason,
                ]
                for job in failures.order_by("-created_at")[:10]
            ],
        ),
        link=(_("Ingestion queue"), jobs_url),
        note=_("The table lists the latest failures."),
    )


# Auditor -----------------------------------------------------------------------------------------


def _register_url(**params: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('reports:complaints')}?{query}"


def complaints_by_channel(user: AnyUser) -> PanelData:
    year = this_year()
    data = selectors.complaints_per_month(user, year, "channel")
    series = [Series(c.value, str(c.label), data[c.value]) for c in ComplaintChannel]
    total = sum(sum(values) for values in data.values())
    return PanelData(
        counts=[Count(_("Complaints this year"), total, _register_url(year=year))],
        chart=bar_chart(
            _("Complaints per month by channel, %(year)s") % {"year": year},
            month_labels(),
            series,
        ),
        table=_monthly_table(series),
        link=(_("Complaint register"), _register_url(year=year)),
    )


def complaints_by_severity(user: AnyUser) -> PanelData:
    year = this_year()
    data = selectors.complaints_per_month(user, year, "severity")
    series = [Series(s.value, str(s.label), data[s.value]) for s in Severity]
    return PanelData(
        counts=[
            Count(
                _("Major complaints this year"),
                sum(data[Severity.MAJOR]),
                _register_url(year=year, severity=Severity.MAJOR),
                warn=bool(sum(data[Severity.MAJOR])),
            )
        ],
        chart=bar_chart(
            _("Complaints per month by severity, %(year)s") % {"year": year},
            month_labels(),
            series,
        ),
        table=_monthly_table(series),
    )


def complaint_close_times(user: AnyUser) -> PanelData:
    year = this_year()
    times = selectors.time_to_close(user, year)
    series = [Series("mean_days", _("Mean days to close"), times.mean_by_month)]
    return PanelData(
        counts=[
            Count(_("Closed"), times.closed, _register_url(year=year, status="closed")),
            Count(
                _("Still open"),
                times.still_open,
                _register_url(year=year, status="open"),
                warn=bool(times.still_open),
            ),
            Count(_("Mean days to close"), times.mean_days),
            Count(_("Median days to close"), times.median_days),
        ],
        chart=line_chart(
            _("Days to close, by month opened, %(year)s") % {"year": year},
            month_labels(),
            series,
            unit=_(" days"),
        ),
        table=Table(
            headers=[_("Month"), _("Mean days to close")],
            rows=[
                [m, v if v is not None else "—"]
                for m, v in zip(month_labels(), times.mean_by_month, strict=True)
            ],
        ),
    )


def satisfaction_overview(user: AnyUser) -> PanelData:
    trend = selectors.satisfaction_trend(user)
    target = selectors.satisfaction_target()
    years = sorted(trend)
    year = this_year()
    below = [
        row
        for row in selectors.satisfaction_by_customer_year(user)
        if row.year == year and row.below_target
    ]
    missing = selectors.customers_without_survey(user).count()
    url = reverse("reports:satisfaction")
    series = [Series("mean", _("Mean overall score"), [float(trend[y]) for y in years])]
    return PanelData(
        counts=[
            Count(_("Customers below target this year"), len(below), url, warn=bool(below)),
            Count(
                _("Customers without a survey in 12 months"),
                missing,
                f"{url}#without-survey",
                warn=bool(missing),
            ),
            Count(_("Target"), float(target)),
        ],
        chart=line_chart(
            _("Satisfaction trend (mean overall score per year)"),
            [str(y) for y in years],
            series,
            target=float(target),
            target_label=_("Target"),
        )
        if years
        else "",
        table=Table(
            headers=[_("Year"), _("Mean overall score")],
            rows=[[y, trend[y]] for y in years],
        ),
        link=(_("Satisfaction surveys"), url),
    )


def records_filed(user: AnyUser) -> PanelData:
    """The year's records per month and type, counted by their document date."""
    year = this_year()
    data = selectors.records_dated_per_month(user, year)
    series = [
        Series(t.value, str(t.label), data[t.value], color=TYPE_COLORS[t.value])
        for t in RecordType
        if any(data[t.value])
    ]
    return PanelData(
        counts=[
            Count(_("Records dated in the year"), sum(sum(v) for v in data.values())),
        ],
        chart=bar_chart(
            _("Records per month by type and document date, %(year)s") % {"year": year},
            month_labels(),
            series,
        ),
        table=_monthly_table(series),
        link=(_("Yearly summary"), f"{reverse('reports:summary')}?year={year}"),
    )


# Compliance --------------------------------------------------------------------------------------


def confidentiality_overview(user: AnyUser) -> PanelData:
    data = selectors.records_by_confidentiality(user)
    levels = list(Confidentiality)
    series = [Series("records", _("Records"), [data.get(level.value, 0) for level in levels])]
    sealed = visible_customers(user=user).filter(sealed=True).count()
    open_major = ComplaintCase.objects.filter(
        customer__in=visible_customers(user=user), severity=Severity.MAJOR, closed_on__isnull=True
    ).count()
    return PanelData(
        counts=[
            Count(_("Sealed dossiers"), sealed),
            Count(
                _("Open major complaints"),
                open_major,
                _register_url(severity=Severity.MAJOR, status="open"),
                warn=bool(open_major),
            ),
        ],
        chart=bar_chart(
            _("Live records by confidentiality"), [str(level.label) for level in levels], series
        ),
        table=Table(
            headers=[_("confidentiality"), _("Records")],
            rows=[[level.label, data.get(level.value, 0)] for level in levels],
        ),
    )


for _panel in (
    Panel(
        "ingestion_queue",
        gettext_lazy("Ingestion queue and failures"),
        frozenset({roles.CLERK}),
        ingestion_queue,
        ADD_RECORD,
        order=10,
    ),
    Panel(
        "complaints_by_channel",
        gettext_lazy("Complaints by channel"),
        frozenset({roles.AUDITOR}),
        complaints_by_channel,
        VIEW_RECORD,
        order=10,
    ),
    Panel(
        "complaints_by_severity",
        gettext_lazy("Complaints by severity"),
        frozenset({roles.AUDITOR}),
        complaints_by_severity,
        VIEW_RECORD,
        order=20,
    ),
    Panel(
        "complaint_close_times",
        gettext_lazy("Time to close"),
        frozenset({roles.AUDITOR}),
        complaint_close_times,
        VIEW_RECORD,
        order=30,
    ),
    Panel(
        "satisfaction",
        gettext_lazy("Customer satisfaction"),
        frozenset({roles.AUDITOR}),
        satisfaction_overview,
        VIEW_RECORD,
        order=40,
    ),
    Panel(
        "records_filed",
        gettext_lazy("Records filed"),
        frozenset({roles.AUDITOR}),
        records_filed,
        VIEW_RECORD,
        order=50,
    ),
    Panel(
        "confidentiality",
        gettext_lazy("Records and dossiers under control"),
        frozenset({roles.COMPLIANCE}),
        confidentiality_overview,
        VIEW_RECORD,
        order=90,
    ),
):
    panel_register(_panel)
