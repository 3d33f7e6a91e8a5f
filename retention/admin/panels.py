"""Retention's dashboard panels and yearly summary section, registered from AppConfig.ready.

Each figure is read with the same selectors and actions as retention's own screens: the review
queue (``due_records`` limited to the records the user may see, REVIEW_RETENTION), the
destruction request and hold lists (VIEW_RETENTION; approval needs APPROVE_DESTRUCTION).
"""

from __future__ import annotations

import datetime

from django.db.models import Count as CountOf
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records_dms.accounts import roles
from records_dms.accounts.policy import AnyUser, policy
from records_dms.reports.builtin_panels import month_labels
from records_dms.reports.charts import Series, bar_chart
from records_dms.reports.panels import Count, Panel, PanelData, Table, panel_register
from records_dms.reports.summary import Lines, SummarySection, summary_section_register
from retention.models import (
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    ItemState,
    LegalHold,
    RequestState,
)
from retention.permissions import APPROVE_DESTRUCTION, REVIEW_RETENTION, VIEW_RETENTION
from retention.services.review import due_records


def _requests_url(state: str = "") -> str:
    url = reverse("retention:requests")
    return f"{url}?state={state}" if state else url


def due_for_review(user: AnyUser) -> PanelData:
    if not policy.has(user, REVIEW_RETENTION):
        return PanelData()
    n = due_records(timezone.localdate(), user=user).count()
    url = reverse("retention:queue")
    return PanelData(
        counts=[Count(_("Records due for review"), n, url, warn=n > 0)],
        link=(_("Review queue"), url),
    )


def destruction_waiting(user: AnyUser) -> PanelData:
    if not policy.has(user, APPROVE_DESTRUCTION):
        return PanelData()
    n = DestructionRequest.objects.filter(state=RequestState.SUBMITTED).count()
    url = _requests_url(RequestState.SUBMITTED)
    return PanelData(counts=[Count(_("Destruction requests waiting for approval"), n, url)])


def holds_active(user: AnyUser) -> PanelData:
    if not policy.has(user, VIEW_RETENTION):
        return PanelData()
    n = LegalHold.objects.filter(lifted_at__isnull=True).count()
    url = reverse("retention:holds")
    return PanelData(counts=[Count(_("Active legal holds"), n, url)])


def destroyed_per_month(year: int) -> list[int]:
    """Records destroyed in each month of ``year`` (local time), January first."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    rows = (
        DestructionItem.objects.filter(
            state=ItemState.DESTROYED, destroyed_at__gte=start, destroyed_at__lt=end
        )
        .annotate(month=ExtractMonth("destroyed_at"))
        .values("month")
        .annotate(n=CountOf("id"))
    )
    per_month = {int(row["month"]): int(row["n"]) for row in rows}
    return [per_month.get(month, 0) for month in range(1, 13)]


def destructions_per_month(user: AnyUser) -> PanelData:
    if not policy.has(user, VIEW_RETENTION):
        return PanelData()
    year = timezone.localdate().year
    values = destroyed_per_month(year)
    labels = month_labels()
    series = [Series("destroyed", _("Records destroyed"), values)]
    return PanelData(
        counts=[Count(_("Records destroyed this year"), sum(values))],
        chart=bar_chart(
            _("Records destroyed per month, %(year)s") % {"year": year}, labels, series
        ),
        table=Table(
            headers=[_("Month"), _("Records destroyed")],
            rows=[[label, value] for label, value in zip(labels, values, strict=True)],
        ),
        link=(_("Destruction requests"), _requests_url(RequestState.COMPLETED)),
    )


def certificates(user: AnyUser) -> PanelData:
    if not policy.has(user, VIEW_RETENTION):
        return PanelData()
    n = DestructionCertificate.objects.count()
    url = _requests_url(RequestState.COMPLETED)
    return PanelData(counts=[Count(_("Certificates of destruction"), n, url)])


def summary_destructions(user: AnyUser, year: int) -> Lines:
    if not policy.has(user, VIEW_RETENTION):
        return []
    return [
        (
            _("Destruction requests completed"),
            DestructionRequest.objects.filter(
                state=RequestState.COMPLETED, completed_at__year=year
            ).count(),
        ),
        (_("Records destroyed"), sum(destroyed_per_month(year))),
        (
            _("Certificates of destruction issued"),
            DestructionCertificate.objects.filter(issued_at__year=year).count(),
        ),
    ]


def register() -> None:
    clerk, compliance = frozenset({roles.CLERK}), frozenset({roles.COMPLIANCE})
    for panel in (
        Panel(
            "retention_due",
            gettext_lazy("Records due for review"),
            clerk,
            due_for_review,
            action=REVIEW_RETENTION,
            order=30,
        ),
        Panel(
            "retention_destruction_waiting",
            gettext_lazy("Destruction requests waiting"),
            compliance,
            destruction_waiting,
            action=APPROVE_DESTRUCTION,
            order=30,
        ),
        Panel(
            "retention_holds",
            gettext_lazy("Legal holds"),
            compliance,
            holds_active,
            action=VIEW_RETENTION,
            order=31,
        ),
        Panel(
            "retention_destructions_per_month",
            gettext_lazy("Destructions per month"),
            compliance,
            destructions_per_month,
            action=VIEW_RETENTION,
            order=32,
        ),
        Panel(
            "retention_certificates",
            gettext_lazy("Certificates of destruction"),
            compliance,
            certificates,
            action=VIEW_RETENTION,
            order=33,
        ),
    ):
        panel_register(panel)
    summary_section_register(
        SummarySection("destructions", gettext_lazy("Destructions"), summary_destructions, order=50)
    )
