"""The S3 storage of the scale-out size: originals are written under S3 Object Lock.

Chosen by ``DMS_STORAGE=s3`` (see settings). Everything else reads and writes through Django's
``default_storage`` exactly as on the local folder; only this adapter knows about locks.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from storages.backends.s3 import S3Storage

ORIGINALS_PREFIX = "originals/"


def minimum_lock_until(now: datetime.datetime | None = None) -> datetime.datetime:
    """The retention an original gets before its record has a due date."""
    now = now or datetime.datetime.now(datetime.UTC)
    return now + datetime.timedelta(days=settings.STORAGE.s3_min_lock_days)


class ArchiveS3Storage(S3Storage):
    """S3 (or a compatible store) with Object Lock retention on every original written."""

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = super().get_object_parameters(name)
        if name.startswith(ORIGINALS_PREFIX) and settings.STORAGE.s3_min_lock_days > 0:
            params["ObjectLockMode"] = settings.STORAGE.s3_lock_mode
            params["ObjectLockRetainUntilDate"] = minimum_lock_until()
        return params

    @property
    def client(self) -> Any:
        return self.connection.meta.client
