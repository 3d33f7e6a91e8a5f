"""The storage side of retention: Object Lock on originals kept in S3.

Retention calls these; on the local folder (the embedded size) locking is a no-op and
destruction is a plain delete, so callers need not know which storage is in use.

- ``original_lock_until(record, date)``: keep the original locked at least through ``date``
  (the record's due date; ``None``: the configured minimum). A lock is only ever extended.
- ``original_legal_hold(record, on)``: set or clear the object's legal-hold flag.
- ``original_destroy(record, approved=True)``: delete every version of the original and of its
  rendition, bypassing a GOVERNANCE lock (only ever with ``approved``); returns the version ids
  removed, for the destruction certificate.
- ``original_versions(record)``: the version ids ``original_destroy`` would remove now (the
  destruction keeps them before deleting, so a run killed half way still names them all).
- ``versions_present(key, version_ids)``: which of these versions the store still holds.
- ``original_lock_state(record)``: what the store says (mode, retain-until, legal hold).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage, storages

from records_dms.archive.models import Record, RecordState
from records_dms.archive.storage import ArchiveS3Storage, minimum_lock_until


class ObjectLockError(Exception):
    """The store refused: the object is under a lock or legal hold that forbids the change.

    ``removed``: the version ids a destruction had already deleted when the store refused.
    """

    def __init__(self, message: str, removed: list[str] | None = None) -> None:
        super().__init__(message)
        self.removed = removed or []


@dataclass(frozen=True)
class LockState:
    key: str
    version_ids: list[str]
    mode: str | None
    retain_until: datetime.datetime | None
    legal_hold: bool


def _storage() -> ArchiveS3Storage | None:
    storage = storages["default"]
    return storage if isinstance(storage, ArchiveS3Storage) else None


def object_lock_enabled() -> bool:
    """True when originals live in S3 under Object Lock (``DMS_STORAGE=s3``)."""
    return _storage() is not None


def _versions(storage: ArchiveS3Storage, key: str) -> list[str]:
    """Every version id of ``key`` (delete markers included), newest first."""
    name = storage._normalize_name(key)
    found: list[str] = []
    paginator = storage.client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=name):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            if entry["Key"] == name:
                found.append(entry["VersionId"])
    return found


def _object_versions(storage: ArchiveS3Storage, key: str) -> list[str]:
    """The version ids of ``key`` that hold data (not delete markers)."""
    name = storage._normalize_name(key)
    found: list[str] = []
    paginator = storage.client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=name):
        found += [v["VersionId"] for v in page.get("Versions", []) if v["Key"] == name]
    return found


def _retain_until(until: datetime.date | None) -> datetime.datetime:
    if until is None:
        return minimum_lock_until()
    # Locked through the whole of the due date (UTC).
    return datetime.datetime.combine(
        until + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )


def _error(
    action: str, record: Record, error: Exception, removed: list[str] | None = None
) -> ObjectLockError:
    return ObjectLockError(f"{record.reference}: the store refused to {action}: {error}", removed)


def original_lock_state(record: Record) -> LockState | None:
    """The lock of the record's original as the store reports it (None on local storage).

    Read with head_object: moto answers get_object_retention with a server error.
    """
    storage = _storage()
    if storage is None or not record.original_key:
        return None
    name = storage._normalize_name(record.original_key)
    versions = _object_versions(storage, record.original_key)
    if not versions:
        return LockState(record.original_key, [], None, None, False)
    head = storage.client.head_object(Bucket=storage.bucket_name, Key=name, VersionId=versions[0])
    return LockState(
        key=record.original_key,
        version_ids=versions,
        mode=head.get("ObjectLockMode"),
        retain_until=head.get("ObjectLockRetainUntilDate"),
        legal_hold=head.get("ObjectLockLegalHoldStatus") == "ON",
    )


def original_lock_until(record: Record, until: datetime.date | None) -> datetime.datetime | None:
    """Keep the original locked through ``until`` (None: the minimum); never shortens a lock.

    Returns the retain-until the store now holds, or None on local storage.
    """
    from botocore.exceptions import ClientError

    storage = _storage()
    if storage is None or not record.original_key:
        return None
    wanted = _retain_until(until)
    name = storage._normalize_name(record.original_key)
    held: datetime.datetime | None = None
    for version in _object_versions(storage, record.original_key):
        head = storage.client.head_object(Bucket=storage.bucket_name, Key=name, VersionId=version)
        current = head.get("ObjectLockRetainUntilDate")
        if current is not None and current >= wanted:
            held = max(held or current, current)
            continue
        try:
            storage.client.put_object_retention(
                Bucket=storage.bucket_name,
                Key=name,
                VersionId=version,
                Retention={"Mode": settings.STORAGE.s3_lock_mode, "RetainUntilDate": wanted},
            )
        except ClientError as error:
            raise _error("extend the lock", record, error) from error
        held = max(held or wanted, wanted)
    return held


def original_legal_hold(record: Record, on: bool) -> None:
    """Set (``on``) or clear the legal-hold flag of every version of the original."""
    from botocore.exceptions import ClientError

    storage = _storage()
    if storage is None or not record.original_key:
        return
    name = storage._normalize_name(record.original_key)
    for version in _object_versions(storage, record.original_key):
        try:
            storage.client.put_object_legal_hold(
                Bucket=storage.bucket_name,
                Key=name,
                VersionId=version,
                LegalHold={"Status": "ON" if on else "OFF"},
            )
        except ClientError as error:
            raise _error("change the legal hold", record, error) from error


def _still_used(record: Record, field: str, key: str) -> bool:
    return (
        Record.objects.filter(**{field: key})
        .exclude(pk=record.pk)
        .exclude(state=RecordState.DESTROYED)
        .exists()
    )


def _destroy_keys(record: Record) -> list[str]:
    """The original's key, then the rendition's, unless another live record uses the bytes."""
    return [
        key
        for field, key in (
            ("original_key", record.original_key),
            ("rendition_key", record.rendition_key),
        )
        if key and not _still_used(record, field, key)
    ]


def original_versions(record: Record) -> list[str]:
    """The version ids ``original_destroy`` would remove now (original's first); [] on local."""
    storage = _storage()
    if storage is None:
        return []
    return [version for key in _destroy_keys(record) for version in _versions(storage, key)]


def versions_present(key: str, version_ids: list[str]) -> list[str]:
    """Which of these versions of ``key`` the store still holds ([] on local storage)."""
    storage = _storage()
    if storage is None or not key or not version_ids:
        return []
    held = set(_versions(storage, key))
    return [version for version in version_ids if version in held]


def original_destroy(record: Record, *, approved: bool) -> list[str]:
    """Delete the record's original and rendition, every version; return the version ids.

    Only ever as part of an approved destruction (``approved``): then a GOVERNANCE lock is
    bypassed. A COMPLIANCE lock that has not run out, or a legal hold, makes the store refuse
    (ObjectLockError, with the versions already removed) and nothing further is deleted.
    Bytes another live record still uses are kept. A version already gone (another worker
    destroying the same record) is not an error. On local storage the files are deleted and
    the list is empty.
    """
    from botocore.exceptions import ClientError

    if not approved:
        raise PermissionError(f"{record.reference}: originals are destroyed only when approved")
    storage = _storage()
    keys = _destroy_keys(record)
    if storage is None:
        for key in keys:
            default_storage.delete(key)
        return []
    removed: list[str] = []
    for key in keys:
        name = storage._normalize_name(key)
        for version in _versions(storage, key):
            params: dict[str, Any] = {
                "Bucket": storage.bucket_name,
                "Key": name,
                "VersionId": version,
            }
            if key == record.original_key:
                params["BypassGovernanceRetention"] = True
            try:
                storage.client.delete_object(**params)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("NoSuchVersion", "NoSuchKey"):
                    continue
                raise _error("delete the original", record, error, removed) from error
            removed.append(version)
    return removed
