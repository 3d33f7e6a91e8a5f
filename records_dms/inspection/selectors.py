"""Reads of the four-property check for screens, the API and the CLI: who may read what.

An inspection is shown to those who may read check results; its per-record results only for
records the reader may see (visible_records), so a batch never leaks another dossier's titles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records
from records_dms.inspection.models import Inspection, InspectionResult, Outcome
from records_dms.inspection.permissions import VIEW_INSPECTION


def inspections_visible(*, user: Any) -> QuerySet[Inspection]:
    if not policy.has(user, VIEW_INSPECTION):
        return Inspection.objects.none()
    return Inspection.objects.select_related("customer", "actor")


def inspection_results(
    *, user: Any, inspection: Inspection, faults_only: bool = False
) -> QuerySet[InspectionResult]:
    """The results of one inspection the user may read: batch items and visible records."""
    if not policy.has(user, VIEW_INSPECTION):
        return InspectionResult.objects.none()
    visible = visible_records(user=user).values("pk")
    results = inspection.results.filter(record__isnull=True) | inspection.results.filter(
        record__in=visible
    )
    if faults_only:
        results = results.filter(outcome=Outcome.FAIL)
    return results.select_related("record").order_by("record__reference", "pk")


def record_latest_inspection(
    *, user: Any, record: Record
) -> tuple[Inspection | None, list[InspectionResult]]:
    """The record's most recent check and its results (for the record page)."""
    if not policy.has(user, VIEW_INSPECTION):
        return None, []
    latest = record.inspections.order_by("-started_at", "-pk").first()
    if latest is None:
        return None, []
    return latest, list(latest.results.filter(record=record).order_by("pk"))
