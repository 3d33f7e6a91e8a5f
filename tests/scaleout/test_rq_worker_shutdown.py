"""`dms worker` on Redis stops promptly when told to (RQ's warm shutdown), whatever the moment.

RQ's worker stops its command-channel thread after sending UNSUBSCRIBE; a thread that read the
reply first waited for a new subscription for 60 s (RQ 3.0, redis-py 8), so a worker given
SIGTERM after its last job now and then took 61 s to exit. Here the thread is made to read that
reply first, every time, and the worker's teardown must still end.
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time

import pytest

from ingestion.models import IngestionJob, JobStatus
from records_dms.rq_worker import PromptShutdownWorker
from tests.ingestion.samples import scan_image
from tests.scaleout.services import redis_url
from tests.scaleout.test_rq_workers import _env, _import, _stopped

pytestmark = pytest.mark.xdist_group("redis")


def test_a_worker_whose_channel_thread_read_the_unsubscribe_first_still_stops():
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url(10))
    worker = PromptShutdownWorker(
        [Queue("default", connection=connection)], connection=connection, name="shutdown-test"
    )
    worker.subscribe()
    assert worker.pubsub is not None and worker.pubsub_thread is not None
    worker.pubsub.unsubscribe()  # what the teardown sends, read by the thread before it stops
    deadline = time.monotonic() + 30
    while worker.pubsub.subscribed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not worker.pubsub.subscribed
    time.sleep(0.5)  # the thread is back waiting for a subscription

    teardown = threading.Thread(target=worker.unsubscribe, daemon=True)
    teardown.start()
    # Generous, but well short of the 60 s the thread used to wait: not a speed bound.
    teardown.join(timeout=30)
    assert not teardown.is_alive(), "the worker's channel thread kept its teardown waiting"
    assert not worker.pubsub_thread.is_alive()


def _scans(tmp_path, count: int) -> list[str]:
    """Scanned one-page PDFs, each read by OCR (seconds each: a job a SIGTERM can catch)."""
    paths = []
    for n in range(count):
        buffer = io.BytesIO()
        scan_image([f"第{n}次会议纪要", f"编号 RQ-{n:03d}"]).save(buffer, "PDF", resolution=300)
        path = tmp_path / f"扫描{n}.pdf"
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


@pytest.mark.django_db(transaction=True)
def test_a_worker_given_sigterm_files_the_job_in_hand_and_starts_no_other(
    customer, settings, tmp_path
):
    import redis as redis_client

    url = redis_url(9)
    env = _env(settings, url)
    _import(env, _scans(tmp_path, 3))
    worker = subprocess.Popen(
        [sys.executable, "-m", "records_dms", "worker", "--name", "test-warm"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    jobs = IngestionJob.objects.exclude(status=JobStatus.QUEUED)
    try:
        deadline = time.monotonic() + 180
        while not jobs.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        in_hand = set(jobs.values_list("pk", flat=True))
    finally:
        worker.send_signal(signal.SIGTERM)
        errors = _stopped(worker)
    assert in_hand, errors
    assert worker.returncode == 0, errors  # stopped by itself, not killed
    filed = set(IngestionJob.objects.filter(status=JobStatus.FILED).values_list("pk", flat=True))
    assert in_hand <= filed, errors  # the job in hand was finished, not dropped or half done
    assert not IngestionJob.objects.filter(status=JobStatus.PROCESSING).exists()
    # No new job was started after SIGTERM (one may have been taken in the instant between
    # reading the jobs in hand and the signal): the rest wait on the queue for the next worker.
    assert len(filed) <= len(in_hand) + 1
    waiting = IngestionJob.objects.filter(status=JobStatus.QUEUED).count()
    assert waiting == 3 - len(filed) >= 1
    assert redis_client.Redis.from_url(url).llen("rq:queue:default") == waiting
