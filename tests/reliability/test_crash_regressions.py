"""What the crash-injection harness (benchmarks/chaos.py) found, each fixed and kept fixed."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import time

import pytest

from ingestion.models import IngestionJob, JobStatus
from ingestion.originals import original_key, spool_dir
from ingestion.services import ingest_recover, ingest_submit, leftovers_clean
from records_dms.archive.indexing import index_recover
from records_dms.archive.models import Record
from records_dms.fixity.verify import originals_verify
from search import get_backend
from tests.factories import file_pdf, make_pdf

pytestmark = pytest.mark.django_db


def test_a_job_whose_task_never_reached_the_queue_is_run_when_a_worker_starts(
    customer, clerk, django_capture_on_commit_callbacks
):
    # Killed between saving the job and queueing its task: the on-commit hook never ran.
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(make_pdf(["入队前被杀死的导入。"])),
        filename="a.pdf",
        actor=clerk,
        record_type="minutes",
    )
    assert IngestionJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_recover() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FILED and Record.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_recover() == 0  # nothing more to do


def _age(path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_copies_left_by_a_killed_process_are_removed_once_stale(customer, clerk, settings):
    spool = spool_dir()
    orphan = spool / "orphan"  # spooled, then killed before its job was saved
    orphan.write_bytes(b"%PDF-1.4 customer document")
    work = settings.DATA_DIR / "tmp" / "ingest-killed"  # an OCR run's pages
    work.mkdir(parents=True)
    (work / "page-1.png").write_bytes(b"png")
    fresh = spool / "fresh"  # an upload being spooled right now
    fresh.write_bytes(b"%PDF-1.4 arriving")
    failed = IngestionJob.objects.create(
        customer=customer,
        record_type="minutes",
        original_name="retry.pdf",
        spool_path=str(spool / "kept-for-retry"),
        status=JobStatus.FAILED,
    )
    (spool / "kept-for-retry").write_bytes(b"%PDF-1.4 retry me")
    for path in (orphan, work, spool / "kept-for-retry"):
        _age(path, 3 * 3600)
    assert leftovers_clean(datetime.timedelta(hours=2)) == 2
    assert not orphan.exists() and not work.exists()
    assert fresh.exists() and (spool / failed.spool_path).exists()


def test_an_original_cut_short_by_a_crash_is_stored_again(customer, clerk, settings):
    data = make_pdf(["写到一半被杀死的存储。"])
    sha = hashlib.sha256(data).hexdigest()
    partial = settings.MEDIA_ROOT / original_key(sha)
    partial.parent.mkdir(parents=True)
    partial.write_bytes(data[: len(data) // 3])  # what a killed write leaves in place
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(data),
        filename="b.pdf",
        actor=clerk,
        record_type="minutes",
        wait=True,
    )
    assert job.status == JobStatus.FILED
    assert partial.read_bytes() == data
    assert originals_verify() == []


def test_a_record_filed_but_not_indexed_is_indexed_when_a_worker_starts(customer, clerk):
    record = file_pdf(customer, actor=clerk, lines=["归档后索引前被杀死。"])
    get_backend().remove([record.pk])  # killed between the filing's commit and the index
    assert record.pk not in get_backend().indexed_records()
    assert index_recover() == (1, 0)
    assert record.pk in get_backend().indexed_records()
    Record.objects.filter(pk=record.pk).update(state="destroyed")
    assert index_recover() == (0, 1)  # and a destroyed record's text goes
    assert record.pk not in get_backend().indexed_records()
