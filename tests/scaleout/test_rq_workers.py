"""Records filed through the Redis queue (DMS_TASKS=rq) by real `dms worker` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from ingestion.models import IngestionJob, JobStatus
from records_dms.archive.models import Page, Record
from tests.concurrency import database_url_of
from tests.factories import make_pdf
from tests.scaleout.services import redis_url

IMPORT_OPTIONS = ["--customer", "KH-0101", "--type", "minutes", "--json"]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis")]


def _env(settings, redis: str) -> dict[str, str]:
    return {
        **os.environ,
        "DMS_DATABASE_URL": database_url_of(connection.settings_dict),
        "DMS_DATA_DIR": str(settings.DATA_DIR),
        "DMS_TASKS": "rq",
        "DMS_REDIS_URL": redis,
        "DMS_OCR_WORKERS": "1",
        "DMS_LANGUAGE": "en",
    }


def _stopped(worker: subprocess.Popen[bytes]) -> str:
    """A worker's errors once it stopped. RQ's warm shutdown finishes the job in hand (here a
    one-page filing, well under a second) and stops within about a second more
    (records_dms/rq_worker.py: it used to wait 60 s now and then); a worker still running after
    the generous wait below is killed and said so, not left running."""
    try:
        return worker.communicate(timeout=60)[1].decode(errors="replace")
    except subprocess.TimeoutExpired:
        worker.kill()
        return "still running 60 s after SIGTERM: " + worker.communicate()[1].decode(
            errors="replace"
        )


def _import(env: dict[str, str], paths: list[str]) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "records_dms", "import", *paths, *IMPORT_OPTIONS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: list[dict] = json.loads(done.stdout)
    return result


def _pdfs(tmp_path, count: int) -> list[str]:
    paths = []
    for n in range(count):
        path = tmp_path / f"纪要{n}.pdf"
        path.write_bytes(make_pdf([f"第{n}次会议纪要", "顾客投诉档案管理", f"编号 RQ-{n:03d}"]))
        paths.append(str(path))
    return paths


def test_workers_on_redis_file_what_the_cli_queued(customer, settings, tmp_path):
    import redis as redis_client

    url = redis_url(11)
    env = _env(settings, url)
    queued = _import(env, _pdfs(tmp_path, 6))
    assert [item["status"] for item in queued] == ["queued"] * 6
    assert not Record.objects.exists()
    # The jobs wait on the Redis queue, not in the database's task table.
    assert redis_client.Redis.from_url(url).llen("rq:queue:default") == 6

    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "records_dms", "worker", "--name", f"test-worker-{n}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if IngestionJob.objects.filter(status=JobStatus.FILED).count() == 6:
                break
            if any(w.poll() is not None for w in workers):
                break  # a worker died: its errors are shown below
            time.sleep(0.3)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # RQ's warm shutdown
        errors = [_stopped(w) for w in workers]
    jobs = list(IngestionJob.objects.values_list("status", "reason"))
    assert [status for status, _ in jobs] == [JobStatus.FILED] * 6, (jobs, errors)
    records = Record.objects.all()
    assert {r.original_name for r in records} == {f"纪要{n}.pdf" for n in range(6)}
    assert all(r.state == "filed" and r.page_count == 1 for r in records)
    assert Page.objects.filter(text__contains="顾客投诉档案管理").count() == 6
    # Both stopped by themselves (warm shutdown), none killed.
    assert [w.returncode for w in workers] == [0, 0], errors


def test_a_batch_worker_on_redis_runs_the_queue_and_exits(customer, settings, tmp_path):
    url = redis_url(12)
    env = _env(settings, url)
    _import(env, _pdfs(tmp_path, 2))
    done = subprocess.run(
        [sys.executable, "-m", "records_dms", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert IngestionJob.objects.filter(status=JobStatus.FILED).count() == 2
    assert Record.objects.count() == 2
