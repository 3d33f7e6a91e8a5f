"""Filing files into dossiers: every entry point (web, CLI, API, inbox) calls these."""

from __future__ import annotations

import datetime
import shutil
import uuid
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ingestion.models import IngestionJob, JobStatus
from ingestion.originals import RejectedFile, spool, spool_dir
from ingestion.pipeline import pipeline_run
from ingestion.preflight import sanitize_filename
from ingestion.tasks import ingest_job
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer, Record
from records_dms.archive.services import User
from records_dms.common.failpoints import chaos_point


def ingest_submit(
    *,
    customer: Customer,
    stream: IO[bytes],
    filename: str,
    actor: User,
    record_type: str,
    document_date: datetime.date | None = None,
    title: str = "",
    confidentiality: str = Confidentiality.INTERNAL,
    channel: str = "upload",
    wait: bool = False,
    batch: uuid.UUID | None = None,
    parent: Record | None = None,
    depth: int = 0,
    **fields: Any,
) -> IngestionJob:
    """Spool one file and queue it (``wait``: run it here and return when it is done).

    An empty or oversized file is rejected at once; nothing of it is kept.
    """
    name = sanitize_filename(filename)
    job = IngestionJob(
        customer=customer,
        record_type=record_type,
        title=title.strip(),
        document_date=document_date,
        confidentiality=confidentiality,
        channel=channel,
        original_name=name,
        parent=parent,
        depth=depth,
        batch=batch or uuid.uuid4(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        fields={
            k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items() if v not in (None, "")
        },
    )
    try:
        spooled = spool(stream)
    except ValueError as error:
        job.status = JobStatus.REJECTED
        job.reason = (
            _("the file is empty")
            if str(error) == "empty"
            else _("larger than the limit of %(limit)d MB") % {"limit": _max_upload_mb()}
        )
        job.save()
        return job
    job.spool_path, job.size, job.sha256 = str(spooled.path), spooled.size, spooled.sha256
    job.save()
    return _start(job, wait=wait)


def _start(job: IngestionJob, *, wait: bool) -> IngestionJob:
    """Run a queued job here and now, or hand it to the worker once the caller commits."""
    chaos_point("ingest:submitted")
    if wait:
        return ingest_run(str(job.pk))
    transaction.on_commit(partial(ingest_job.enqueue, str(job.pk)))
    return job


def _max_upload_mb() -> int:
    from django.conf import settings

    return settings.INGESTION.max_upload_mb


def ingest_path(*, path: Path, filename: str, **kwargs: Any) -> IngestionJob:
    """File a file already on disk (an attachment, an inbox file), waiting for the result."""
    with path.open("rb") as stream:
        return ingest_submit(stream=stream, filename=filename, wait=True, **kwargs)


def ingest_run(job_id: str) -> IngestionJob:
    """Run a queued (or crashed) job to its end; a finished job is returned unchanged."""
    with transaction.atomic():
        job = IngestionJob.objects.select_for_update().select_related("customer").get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return job  # finished, failed (retry queues it again) or already being run
        job.status = JobStatus.PROCESSING
        job.attempts += 1
        job.save(update_fields=["status", "attempts", "updated_at"])
    return pipeline_run(job)


def ingest_retry(job: IngestionJob, *, wait: bool = False) -> IngestionJob:
    """Queue a failed job again; its spooled bytes were kept for this."""
    if job.status == JobStatus.FAILED and not Path(job.spool_path).exists():
        job.reason = _("the file's bytes are gone; upload it again")
        job.save(update_fields=["reason", "updated_at"])
        return job
    # Only one retry wins, however often the button is pressed.
    if not IngestionJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, reason=""
    ):
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    return _start(job, wait=wait)


def ingest_recover(*, stale_after: datetime.timedelta | None = None) -> int:
    """Queue again the jobs a killed process left behind; returns how many.

    A job left in processing (its worker was killed) goes back to the queue; a job left
    queued may never have reached the queue (its process was killed between saving it and
    queueing its task), so its task is queued again (running a job twice is harmless: the
    second run finds it taken or finished). Spooled copies and work folders that no live job
    needs any more are removed (``leftovers_clean``).

    ``stale_after``: only jobs untouched that long (with many workers on a shared queue, a job
    another live worker is running must not be queued twice; the queue's own time limit is
    the age after which nobody can still be running it).
    """
    stuck = IngestionJob.objects.filter(status__in=(JobStatus.PROCESSING, JobStatus.QUEUED))
    if stale_after is not None:
        stuck = stuck.filter(updated_at__lt=timezone.now() - stale_after)
    count = 0
    for job in stuck:
        if job.status == JobStatus.PROCESSING:
            IngestionJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        transaction.on_commit(partial(ingest_job.enqueue, str(job.pk)))
        count += 1
    leftovers_clean()
    return count


def leftovers_clean(older_than: datetime.timedelta | None = None) -> int:
    """Remove what killed runs left outside storage: spooled copies no unfinished job needs
    and work folders of parsers and OCR, untouched for ``older_than`` (default
    DMS_STALE_WORK_MINUTES); returns how many were removed.

    They hold customers' documents, so they must not outlive a crash (nor a destruction).
    """
    from django.conf import settings

    if older_than is None:
        older_than = datetime.timedelta(minutes=settings.WORKER.stale_work_minutes)
    cutoff = (timezone.now() - older_than).timestamp()
    needed = set(
        IngestionJob.objects.filter(
            status__in=(JobStatus.QUEUED, JobStatus.PROCESSING, JobStatus.FAILED)
        )
        .exclude(spool_path="")
        .values_list("spool_path", flat=True)
    )
    removed = 0
    tmp = Path(settings.DATA_DIR) / "tmp"
    candidates = [*spool_dir().iterdir(), *(tmp.glob("ingest-*") if tmp.exists() else [])]
    for path in candidates:
        try:
            if str(path) in needed or path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed += 1
    return removed


def children_of(job: IngestionJob) -> list[IngestionJob]:
    if job.record_id is None:
        return []
    return list(IngestionJob.objects.filter(parent_id=job.record_id, batch=job.batch))


def record_file(
    *,
    customer: Customer,
    stream: IO[bytes],
    filename: str,
    type: str,
    document_date: datetime.date | None,
    actor: User,
    title: str = "",
    **fields: Any,
) -> Record:
    """File one file now and return its record; raise RejectedFile naming file and reason."""
    job = ingest_submit(
        customer=customer,
        stream=stream,
        filename=filename,
        actor=actor,
        record_type=type,
        document_date=document_date,
        title=title,
        wait=True,
        **fields,
    )
    if job.status != JobStatus.FILED or job.record is None:
        raise RejectedFile(f"{job.original_name}: {job.reason}")
    return job.record
