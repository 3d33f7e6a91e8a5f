"""Immutable, content-addressed storage of originals through Django's storage API."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

CHUNK = 1024 * 1024


class RejectedFile(ValidationError):
    """A file that cannot be filed; the message names the file and the reason."""


@dataclass(frozen=True)
class StoredOriginal:
    key: str
    name: str
    size: int
    sha256: str
    mime_type: str
    created: bool  # False when the same bytes were already stored

    def as_metadata(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "mime_type": self.mime_type,
        }


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sniff_mime_type(head: bytes) -> str:
    """The file's type from its first bytes, never from its name."""
    signatures = (
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-outlook"),
        (b"PK\x03\x04", "application/zip"),
    )
    for signature, mime_type in signatures:
        if head.startswith(signature):
            return mime_type
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def original_store(stream: IO[bytes], name: str) -> StoredOriginal:
    """Stream ``stream`` into storage under its SHA-256, hashing while copying.

    The bytes go to a temporary file first, so an oversized or empty file is refused before
    anything reaches the store, and the store only ever holds complete originals.
    """
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    digest = hashlib.sha256()
    tmp_dir = settings.DATA_DIR / "tmp"
    tmp_dir.mkdir(exist_ok=True)
    size = 0
    head = b""
    with tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="upload-") as tmp:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise RejectedFile(
                    _("%(name)s: larger than the limit of %(limit)d MB")
                    % {"name": name, "limit": settings.MAX_UPLOAD_MB}
                )
            if len(head) < 64:
                head += chunk[: 64 - len(head)]
            digest.update(chunk)
            tmp.write(chunk)
        if size == 0:
            raise RejectedFile(_("%(name)s: the file is empty") % {"name": name})
        tmp.flush()
        os.fsync(tmp.fileno())
        sha256 = digest.hexdigest()
        key = original_key(sha256)
        created = not default_storage.exists(key)
        if created:
            tmp.seek(0)
            saved = default_storage.save(key, File(tmp, name=key))
            if saved != key:  # lost a race with an identical upload; keep the first copy
                default_storage.delete(saved)
                created = False
    return StoredOriginal(
        key=key,
        name=name,
        size=size,
        sha256=sha256,
        mime_type=sniff_mime_type(head),
        created=created,
    )


def original_discard(stored: StoredOriginal) -> None:
    """Remove an original stored by a filing that then failed (never a shared one)."""
    if stored.created:
        default_storage.delete(stored.key)
