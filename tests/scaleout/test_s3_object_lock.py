"""Originals in S3 under Object Lock (DMS_STORAGE=s3), through the storage-lock API.

Runs against moto's S3 server on loopback (see conftest), or a real store via DMS_S3_ENDPOINT.
moto's gaps, measured: get_object_retention answers 500, so lock fields are read with
head_object; it accepts shortening a COMPLIANCE retention, which real S3 refuses (our API never
shortens a lock, so no test depends on that).
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage

from records_dms.archive.object_lock import (
    ObjectLockError,
    object_lock_enabled,
    original_destroy,
    original_legal_hold,
    original_lock_state,
    original_lock_until,
)
from records_dms.fixity.verify import originals_verify
from tests.factories import file_pdf

pytestmark = pytest.mark.django_db


def _days_from_now(moment: datetime.datetime) -> float:
    return (moment - datetime.datetime.now(datetime.UTC)).total_seconds() / 86400


def test_an_original_filed_on_s3_is_stored_there_locked_for_the_minimum(s3, customer, clerk):
    record = file_pdf(customer, actor=clerk)
    assert object_lock_enabled()
    versions = s3.versions(record.original_key)
    assert len(versions) == 1
    head = s3.client.head_object(Bucket=s3.bucket, Key=record.original_key)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert 29.9 < _days_from_now(head["ObjectLockRetainUntilDate"]) <= 30.01
    assert head["ContentLength"] == record.size
    with default_storage.open(record.original_key, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert originals_verify() == []  # the fixity check reads it back from the bucket


def test_a_locked_version_cannot_be_deleted_without_bypass(s3, customer, clerk):
    record = file_pdf(customer, actor=clerk)
    version = s3.versions(record.original_key)[0]["VersionId"]
    with pytest.raises(ClientError) as refused:
        s3.client.delete_object(Bucket=s3.bucket, Key=record.original_key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert len(s3.versions(record.original_key)) == 1


def test_lock_until_the_due_date_extends_and_never_shortens(s3, customer, clerk):
    record = file_pdf(customer, actor=clerk)
    due = datetime.date.today() + datetime.timedelta(days=3650)
    until = original_lock_until(record, due)
    assert until == datetime.datetime.combine(
        due + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )
    state = original_lock_state(record)
    assert state is not None and state.mode == "GOVERNANCE" and state.retain_until == until
    # An earlier date (a shortened schedule) leaves the longer lock in place.
    assert original_lock_until(record, datetime.date.today()) == until
    assert original_lock_state(record).retain_until == until  # type: ignore[union-attr]
    # No due date yet: the minimum, which is shorter, so again nothing changes.
    assert original_lock_until(record, None) == until


def test_a_legal_hold_blocks_even_an_approved_destruction(s3, customer, clerk):
    record = file_pdf(customer, actor=clerk)
    original_legal_hold(record, True)
    assert original_lock_state(record).legal_hold  # type: ignore[union-attr]
    with pytest.raises(ObjectLockError):
        original_destroy(record, approved=True)
    assert len(s3.versions(record.original_key)) == 1
    original_legal_hold(record, False)
    assert not original_lock_state(record).legal_hold  # type: ignore[union-attr]


def test_an_approved_destruction_bypasses_governance_and_names_the_versions(s3, customer, clerk):
    record = file_pdf(customer, actor=clerk)
    stored = [v["VersionId"] for v in s3.versions(record.original_key)]
    with pytest.raises(PermissionError):
        original_destroy(record, approved=False)
    assert s3.versions(record.original_key)
    removed = original_destroy(record, approved=True)
    assert set(stored) <= set(removed)
    listing = s3.client.list_object_versions(Bucket=s3.bucket, Prefix=record.original_key)
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    assert not default_storage.exists(record.original_key)


def test_compliance_mode_refuses_destruction_before_the_lock_runs_out(
    s3, customer, clerk, settings
):
    settings.STORAGE = replace(settings.STORAGE, s3_lock_mode="COMPLIANCE")
    record = file_pdf(customer, actor=clerk)
    assert original_lock_state(record).mode == "COMPLIANCE"  # type: ignore[union-attr]
    with pytest.raises(ObjectLockError):
        original_destroy(record, approved=True)
    assert len(s3.versions(record.original_key)) == 1


def test_on_local_storage_locks_are_no_ops_and_destruction_deletes(customer, clerk):
    record = file_pdf(customer, actor=clerk)
    assert not object_lock_enabled()
    assert original_lock_until(record, datetime.date(2040, 1, 1)) is None
    original_legal_hold(record, True)
    assert original_lock_state(record) is None
    assert default_storage.exists(record.original_key)
    assert original_destroy(record, approved=True) == []
    assert not default_storage.exists(record.original_key)
