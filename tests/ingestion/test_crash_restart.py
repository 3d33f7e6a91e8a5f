"""A worker killed with SIGKILL in the middle of OCR; the next worker completes the record."""

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from ingestion.models import IngestionJob, JobStatus
from ingestion.services import ingest_submit
from records_dms.archive.models import Page, Record
from tests.concurrency import database_url_of
from tests.ingestion.samples import scanned_pdf


@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_a_job_the_next_worker_completes(customer, clerk, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = {
        **os.environ,
        "DMS_DATABASE_URL": database_url_of(connection.settings_dict),
        "DMS_DATA_DIR": str(settings.DATA_DIR),
        "DMS_OCR_WORKERS": "1",
    }
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(scanned_pdf(pages=4)),
        filename="scan.pdf",
        actor=clerk,
        record_type="minutes",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "records_dms", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == JobStatus.PROCESSING:
                break
            time.sleep(0.2)
        assert job.status == JobStatus.PROCESSING
        time.sleep(1.0)  # inside the OCR of the first pages
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    job.refresh_from_db()
    assert job.status == JobStatus.PROCESSING and not Record.objects.exists()

    restarted = subprocess.run(
        [sys.executable, "-m", "records_dms", "worker", "--batch"],
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    job.refresh_from_db()
    assert job.status == JobStatus.FILED, job.reason
    assert Record.objects.count() == 1
    assert Page.objects.filter(record=job.record).count() == 4
    assert IngestionJob.objects.count() == 1
