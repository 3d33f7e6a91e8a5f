"""Spooling of incoming bytes, and immutable content-addressed storage of originals."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


class RejectedFile(ValidationError):
    """A file that cannot be filed; the message names the file and the reason."""


@dataclass(frozen=True)
class Spooled:
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class StoredOriginal:
    key: str
    size: int
    sha256: str
    created: bool  # False when the same bytes were already stored


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def spool_dir() -> Path:
    path = Path(settings.DATA_DIR) / "spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def spool(stream: IO[bytes]) -> Spooled:
    """Copy an incoming stream to the spool folder, hashing as it goes.

    Raises ValueError("empty") or ValueError("too large") before anything is kept.
    """
    limit = settings.INGESTION.max_upload_mb * 1024 * 1024
    digest = hashlib.sha256()
    path = spool_dir() / uuid.uuid4().hex
    size = 0
    try:
        with path.open("wb") as handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValueError("too large")
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if size == 0:
            raise ValueError("empty")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Spooled(path=path, size=size, sha256=digest.hexdigest())


def original_store(path: Path, sha256: str) -> StoredOriginal:
    """Store the spooled bytes under their SHA-256, once; an existing copy is kept as it is."""
    key = original_key(sha256)
    size = path.stat().st_size
    if default_storage.exists(key):
        if stored_sha256(key) == sha256:
            return StoredOriginal(key=key, size=size, sha256=sha256, created=False)
        # Not these bytes: a write cut short by a crash (storage writes in place). The key
        # names the content, so the bytes in hand are the right ones: store them again.
        default_storage.delete(key)
    with path.open("rb") as handle:
        saved = default_storage.save(key, File(handle, name=key))
    if saved != key:  # lost a race with an identical file; keep the first copy
        default_storage.delete(saved)
        return StoredOriginal(key=key, size=size, sha256=sha256, created=False)
    return StoredOriginal(key=key, size=size, sha256=sha256, created=True)


def stored_sha256(key: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(key, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def original_discard(stored: StoredOriginal) -> None:
    """Remove an original this run stored, unless a record has come to use it meanwhile."""
    from records_dms.archive.models import Record

    if stored.created and not Record.objects.filter(original_key=stored.key).exists():
        default_storage.delete(stored.key)
