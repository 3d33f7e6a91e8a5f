"""`dms backup` / `dms restore`: an archive moves from the embedded size to PostgreSQL + S3."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from records_dms.fixity.backup import backup_write
from retention.models import RecordRetention
from retention.services.holds import hold_place
from tests.factories import file_pdf, make_record
from tests.scaleout.services import postgres_url

pytestmark = pytest.mark.django_db(transaction=True)
LIST_REFERENCES = (
    "import json; from records_dms.archive.models import Record; "
    "print(json.dumps(sorted(Record.objects.values_list('reference', flat=True))))"
)


# The adapters a test run may have chosen (the PostgreSQL stage sets DMS_DATABASE_URL): a
# deployment started by a test is embedded unless the test names its adapters itself.
ADAPTERS = ("DMS_DATABASE_URL", "DMS_STORAGE", "DMS_SEARCH_BACKEND", "DMS_TASKS")


def _dms(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    inherited = {
        k: v for k, v in os.environ.items() if k not in ADAPTERS and not k.startswith("DMS_S3_")
    }
    return subprocess.run(
        [sys.executable, "-m", "records_dms", *args],
        env={**inherited, "DMS_LANGUAGE": "en", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _archive(customer, clerk) -> list[str]:
    records = [
        file_pdf(customer, actor=clerk, lines=["顾客投诉登记表", "退货处理意见"]),
        file_pdf(customer, actor=clerk, lines=["会议纪要", "质量体系审核"], type="minutes"),
        make_record(customer, title="电话记录", type="phone_record", actor=clerk),
    ]
    return sorted(r.reference for r in records)


def _restored_and_verified(bag: Path, env: dict[str, str], expected: list[str]) -> dict:
    restored = _dms(env, "restore", str(bag), "--json")
    assert restored.returncode == 0, restored.stderr[-3000:]
    summary = json.loads(restored.stdout)
    assert summary["files"] >= 2
    verified = _dms(env, "verify", "--json")
    report = json.loads(verified.stdout)
    assert verified.returncode == 0 and report["ok"], report
    listed = _dms(env, "manage", "shell", "-c", LIST_REFERENCES)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert json.loads(listed.stdout.strip().splitlines()[-1]) == expected
    found = _dms(env, "search", "退货", "--json")
    assert found.returncode == 0, found.stderr[-2000:]
    complaint = [reference for reference in expected if "-TS-" in reference]
    assert [hit["reference"] for hit in json.loads(found.stdout)] == complaint
    result: dict = report
    return result


def test_backup_is_a_valid_bag_with_database_and_files(customer, clerk, tmp_path):
    _archive(customer, clerk)
    summary = backup_write(tmp_path / "bag")
    bag = tmp_path / "bag"
    assert (bag / "bagit.txt").exists() and (bag / "manifest-sha256.txt").exists()
    rows = json.loads((bag / "data" / "database.json").read_text(encoding="utf-8"))
    models = {row["model"] for row in rows}
    assert {"archive.record", "audit.auditevent", "audit.auditchainhead", "auth.user"} <= models
    manifest = (bag / "manifest-sha256.txt").read_text()
    assert "data/keys/register-public-key.hex" in manifest
    assert "PRIVATE" not in "".join(p.read_text() for p in (bag / "data" / "keys").iterdir())
    for record in Record.objects.exclude(original_key=""):
        assert f"data/files/{record.original_key}" in manifest
    assert summary.files == len(list((bag / "data" / "files").rglob("*.*"))) or summary.files >= 2
    assert summary.objects == len(rows)


def test_restore_refuses_a_damaged_bag_and_a_deployment_in_use(customer, clerk, tmp_path):
    _archive(customer, clerk)
    bag = tmp_path / "bag"
    backup_write(bag)
    target = {"DMS_DATA_DIR": str(tmp_path / "target")}
    original = next((bag / "data" / "files" / "originals").rglob("*"))
    while original.is_dir():
        original = next(original.iterdir())
    original.write_bytes(original.read_bytes() + b"tampered")
    damaged = _dms(target, "restore", str(bag))
    assert damaged.returncode == 1 and "not a valid backup" in damaged.stderr

    again = tmp_path / "bag2"
    backup_write(again)
    assert _dms(target, "restore", str(again)).returncode == 0
    in_use = _dms(target, "restore", str(again))
    assert in_use.returncode == 1 and "already holds an archive" in in_use.stderr
    not_empty = _dms(target, "backup", str(again))
    assert not_empty.returncode == 1 and "not empty" in not_empty.stderr


def test_embedded_archive_restores_into_a_new_embedded_deployment(customer, clerk, tmp_path):
    expected = _archive(customer, clerk)
    events = AuditEvent.objects.count()
    bag = tmp_path / "bag"
    backup_write(bag)
    report = _restored_and_verified(bag, {"DMS_DATA_DIR": str(tmp_path / "new")}, expected)
    # The copied chain, the backup's own event, then the reindex and the restore.
    assert report["counts"]["audit_events"] == events + 3
    assert report["counts"]["originals"] == 2


def test_embedded_archive_moves_to_postgresql_and_s3(users, customer, clerk, tmp_path, s3_bucket):
    s3 = s3_bucket
    import psycopg

    url = postgres_url()
    expected = _archive(customer, clerk)
    held = Record.objects.get(type="complaint")
    hold_place(actor=users[roles.COMPLIANCE], reason="诉讼保全", records=[held])
    due = {
        r.record.original_key: r.due_date
        for r in RecordRetention.objects.select_related("record").exclude(record__original_key="")
    }
    bag = tmp_path / "bag"
    backup_write(bag)  # from this test's database and local folder...

    name = f"dms_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            "DMS_DATA_DIR": str(tmp_path / "scaled"),
            "DMS_DATABASE_URL": url.rsplit("/", 1)[0] + f"/{name}",
            **s3.env(),
        }
        report = _restored_and_verified(bag, env, expected)  # ...into PostgreSQL and S3
        assert report["counts"]["originals"] == 2
        originals = [
            key
            for key in (
                o["Key"] for o in s3.client.list_objects_v2(Bucket=s3.bucket).get("Contents", [])
            )
            if key.startswith("originals/")
        ]
        assert len(originals) == 2
        for key in originals:
            head = s3.client.head_object(Bucket=s3.bucket, Key=key)
            assert head["ObjectLockMode"] == "GOVERNANCE"
            # Locked again through the record's due date (the minutes: 10 years after their
            # date); the complaint, whose case is not linked, keeps the minimum and its hold.
            day = due[key]
            if day is not None:
                assert head["ObjectLockRetainUntilDate"] == datetime.datetime.combine(
                    day + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
                )
            hold = "ON" if key == held.original_key else "OFF"
            assert head.get("ObjectLockLegalHoldStatus", "OFF") == hold
        assert sum(d is not None for d in due.values()) == 1
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
