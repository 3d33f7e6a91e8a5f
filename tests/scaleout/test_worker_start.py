"""Two workers starting at the same moment (DMS_TASKS=rq): the half-done destruction each one
recovers is carried out once, the daily review runs once and tomorrow's is queued once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.archive.models import RecordState
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from retention import events
from retention.models import DailyNotice, DestructionCertificate, RecordRetention, RequestState
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from tests.concurrency import database_url_of
from tests.retention.helpers import closed_complaint_record, two_witnesses
from tests.scaleout.services import redis_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis")]


def test_two_workers_starting_at_once_do_the_start_work_once(
    users, customer, clerk, settings, tmp_path
):
    import redis as redis_client

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    records = [
        closed_complaint_record(customer, clerk, lines=[f"第{n}份到期投诉"]) for n in range(3)
    ]
    legacy = closed_complaint_record(customer, clerk, lines=["保管期限表之前归档"])
    RecordRetention.objects.filter(record=legacy).delete()  # filed before retention existed
    request = destruction_request_propose(records=records, actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    # Started, then the process died before carrying out any item.
    destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk, run=False)
    request.refresh_from_db()
    assert request.state == RequestState.EXECUTING

    url = redis_url(13)
    env = {
        **os.environ,
        "DMS_DATABASE_URL": database_url_of(connection.settings_dict),
        "DMS_DATA_DIR": str(settings.DATA_DIR),
        "DMS_TASKS": "rq",
        "DMS_REDIS_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    barrier = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.scaleout.worker_start",
                env["DMS_DATABASE_URL"],
                str(settings.DATA_DIR),
                str(barrier),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.*"))) < 2:  # both ready: Django set up, connected
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
        time.sleep(0.05)
    barrier.touch()
    outputs = [w.communicate(timeout=180) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-3000:] for _, err in outputs]
    last = [out.strip().splitlines()[-1] if out.strip() else out for out, _ in outputs]
    assert [json.loads(line)["recovered"] for line in last] == [1, 1], outputs

    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED
    assert DestructionCertificate.objects.filter(request=request).count() == 1

    def count(action: str, **data: str) -> int:
        rows = AuditEvent.objects.filter(action=action)
        return sum(all(e.data.get(k) == v for k, v in data.items()) for e in rows)

    for record in records:
        record.refresh_from_db()
        assert record.state == RecordState.DESTROYED
        assert count(events.RECORD_DESTROYED, reference=record.reference) == 1
    assert count(events.DESTRUCTION_COMPLETED) == 1
    # The record filed before retention got its due date once.
    assert RecordRetention.objects.filter(record=legacy).exists()
    assert count(events.DUE_DATES_RECOMPUTED, reason="backfill") == 1
    # Today's review e-mail once, tomorrow's run queued once (RQ's scheduled registry).
    today = timezone.localdate()
    assert DailyNotice.objects.filter(day=today).count() == 1
    assert count(events.DUE_NOTIFIED, day=today.isoformat()) == 1
    scheduled = redis_client.Redis.from_url(url).zrange("rq:scheduled:default", 0, -1)
    assert len(scheduled) == 1, scheduled
    assert audit_chain_verify() == []
