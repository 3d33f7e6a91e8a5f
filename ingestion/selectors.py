"""Reads of ingestion jobs as a given user may see them: a duplicate names the record it
duplicates only to those who may see that record (its dossier may be sealed, or the record
above the uploader's clearance).

Also the home's to-do (待办事项) of this app."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ingestion.models import IngestionJob, JobStatus
from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.common.todo import LINES, TodoItem, TodoLine


def hidden_duplicate_reason() -> str:
    return _("already filed (a record you cannot see)")


def duplicate_reason(existing: Record, *, user: Any) -> str:
    """Why a file was not filed again, naming the existing record only if ``user`` sees it.
    Without a user (the inbox, the operator's CLI) the reference is kept for the operator;
    screens and the API trim it again for each viewer (``job_reason``)."""
    if user is None or visible_records(user=user).filter(pk=existing.pk).exists():
        return _("already filed as %(reference)s") % {"reference": existing.reference}
    return hidden_duplicate_reason()


def job_reason(job: IngestionJob, *, visible: set[int]) -> str:
    """The job's reason as a viewer may read it; ``visible``: ids of records the viewer sees
    (among the jobs' records)."""
    if job.status == JobStatus.DUPLICATE and job.record_id not in visible:
        return hidden_duplicate_reason()
    return job.reason


def visible_record_ids(jobs: list[IngestionJob], *, user: Any) -> set[int]:
    """Ids of the jobs' records the user may see."""
    ids = [job.record_id for job in jobs if job.record_id]
    return set(visible_records(user=user).filter(pk__in=ids).values_list("pk", flat=True))


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
