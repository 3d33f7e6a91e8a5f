"""Reads of ingestion jobs as a given user may see them: a duplicate names the record it
duplicates only to those who may see that record (its dossier may be sealed, or the record
above the uploader's clearance)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ingestion.models import IngestionJob, JobStatus
from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records


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
