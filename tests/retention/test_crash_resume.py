"""Execution killed between deleting a file and updating the database; the next run completes
it, touching nothing outside the approved list."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from records_dms.accounts import roles
from records_dms.archive.models import Page, RecordState
from retention.certificates import certificate_verify
from retention.models import ItemState, RequestState
from retention.services.destruction import destruction_request_approve, destruction_request_propose
from tests.concurrency import database_url_of
from tests.retention.helpers import closed_complaint_record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db(transaction=True)
def test_a_killed_execution_is_completed_by_the_next_worker(users, customer, clerk, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = closed_complaint_record(customer, clerk, lines=["第一份到期投诉。"])
    second = closed_complaint_record(customer, clerk, lines=["第二份到期投诉。"])
    bystander = closed_complaint_record(customer, clerk, lines=["不在清单上的投诉。"])
    request = destruction_request_propose(records=[first, second], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    env = {
        **os.environ,
        "DMS_DATABASE_URL": database_url_of(connection.settings_dict),
        "DMS_DATA_DIR": str(settings.DATA_DIR),
        "PYTHONPATH": ROOT,
    }

    killed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.retention.crash",
            env["DMS_DATABASE_URL"],
            str(settings.DATA_DIR),
            str(request.pk),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    # The crash state: one file gone, the database not yet told.
    request.refresh_from_db()
    assert request.state == RequestState.EXECUTING
    purging = request.items.get(state=ItemState.PURGING)
    victim = purging.record
    assert not default_storage.exists(purging.original_key)
    assert victim.state == RecordState.APPROVED and Page.objects.filter(record=victim).exists()

    restarted = subprocess.run(
        [sys.executable, "-m", "records_dms", "worker", "--batch"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED
    for record in (first, second):
        record.refresh_from_db()
        assert record.state == RecordState.DESTROYED
        assert not Page.objects.filter(record=record).exists()
        assert not default_storage.exists(request.items.get(record=record).original_key)
    bystander.refresh_from_db()
    assert bystander.state == RecordState.FILED
    assert default_storage.exists(bystander.original_key) and bystander.pages.exists()
    assert certificate_verify(request.certificate) == []
