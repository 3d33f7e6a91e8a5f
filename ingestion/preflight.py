"""Preflight: what a file is (from its bytes, never its name) and a safe name to keep."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingestion.parsers.base import RejectedInput
from ingestion.parsers.email import looks_like_email

MAX_NAME = 150

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-outlook"),
)
# Kinds we recognise only to refuse them by name.
_REFUSED: tuple[tuple[bytes, Any], ...] = (
    (b"\x7fELF", gettext_lazy("an executable program (ELF)")),
    (b"MZ", gettext_lazy("an executable program (Windows)")),
    (b"#!", gettext_lazy("a script")),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive or Office document, which is not supported yet")),
    (b"GIF8", gettext_lazy("a GIF image, which is not supported")),
)


def sniff(head: bytes) -> str:
    """The MIME type of a file from its first bytes; raise RejectedInput for what we refuse."""
    for signature, mime_type in _SIGNATURES:
        if head.startswith(signature):
            return mime_type
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"%PDF-"):
        return "application/pdf"
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:256]:
        raise RejectedInput(_("an HTML page, not a document that can be filed"))
    if lowered.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in lowered:
        raise RejectedInput(_("an SVG image, which can carry scripts and is not filed"))
    for signature, description in _REFUSED:
        if head.startswith(signature):
            raise RejectedInput(str(description))
    if looks_like_email(head):
        return "message/rfc822"
    if _is_text(head):
        return "text/plain"
    raise RejectedInput(_("unrecognised binary data (not a PDF, image, email or text)"))


MACRO_MEMBERS = ("vbaproject.bin", "vbadata.xml")


def zip_check(path: Path, head: bytes) -> None:
    """Name what a ZIP-based file is before refusing it: Office macros are called out.

    Only the ZIP's central directory is read; no member is ever decompressed, so a ZIP bomb
    costs nothing.
    """
    if not head.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename.lower() for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        names = []
    if any(name.rsplit("/", 1)[-1] in MACRO_MEMBERS for name in names):
        raise RejectedInput(
            _("an Office document with macros (vbaProject.bin), which are not filed")
        )
    if "[content_types].xml" in names:
        raise RejectedInput(_("an Office document, which is not supported yet; print it to PDF"))
    raise RejectedInput(_("a ZIP archive, which is not filed; unpack it and file its documents"))


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # The head may end inside a multi-byte character.
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t\f")
        return bool(text) and printable / len(text) > 0.95
    return False


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_LEADING = re.compile(r"^[\s.]+")


def sanitize_filename(name: str) -> str:
    """A file name safe to show and store: no path, no control or bidi characters, bounded."""
    name = unicodedata.normalize("NFC", name or "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    # Leading dots and spaces in any mix (". ." would otherwise leave ".", a hidden name).
    name = _LEADING.sub("", _UNSAFE.sub("", name)).strip()
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            name = f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix}"
        else:
            name = name[:MAX_NAME]
        name = _LEADING.sub("", name).strip()
    return name or "unnamed"
