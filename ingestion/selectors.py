"""Reads of ingestion for the home's to-do (待办事项)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ingestion.models import IngestionJob, JobStatus
from records_dms.accounts.policy import policy
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers
from records_dms.common.todo import LINES, TodoItem, TodoLine

RECENT_DAYS = 14  # a failure older than this is history, not today's work


def todo(*, user: Any) -> list[TodoItem]:
    """Clerks: uploads that failed or were rejected in the last two weeks, to retry or refile."""
    if not policy.has(user, ADD_RECORD):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    jobs = (
        IngestionJob.objects.filter(
            customer__in=visible_customers(user=user),
            status__in=(JobStatus.FAILED, JobStatus.REJECTED),
            created_at__gte=since,
        )
        .select_related("customer")
        .order_by("-created_at")
    )
    url = reverse("ingestion:jobs")
    lines = [
        TodoLine(
            f"{job.original_name} · {job.customer.code} · {job.get_status_display()}: "
            f"{job.reason[:80]}",
            f"{url}?status={job.status}",
            warn=True,
        )
        for job in jobs[:LINES]
    ]
    count = jobs.count()
    label = _("Failed or rejected uploads (last %(days)d days)") % {"days": RECENT_DAYS}
    return [TodoItem("ingestion_failed", label, count, f"{url}?status=failed", lines, count > 0)]
