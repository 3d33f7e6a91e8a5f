"""What a stored file is, read from its bytes (never its name): the formats DA/T 70's usability
check knows, and how each agrees with the MIME type and file name filed with it."""

from __future__ import annotations

import email
import email.policy
import re
import zipfile
from pathlib import Path

PDF, PDFA, OFD, JPEG, TIFF, PNG, EML, MSG, TEXT = (
    "pdf",
    "pdfa",
    "ofd",
    "jpeg",
    "tiff",
    "png",
    "eml",
    "msg",
    "text",
)
UNKNOWN = "unknown"

MIME_TYPES: dict[str, frozenset[str]] = {
    PDF: frozenset({"application/pdf"}),
    OFD: frozenset({"application/ofd", "application/zip"}),
    JPEG: frozenset({"image/jpeg"}),
    TIFF: frozenset({"image/tiff"}),
    PNG: frozenset({"image/png"}),
    EML: frozenset({"message/rfc822"}),
    MSG: frozenset({"application/vnd.ms-outlook"}),
    TEXT: frozenset({"text/plain"}),
}
EXTENSIONS: dict[str, frozenset[str]] = {
    PDF: frozenset({".pdf"}),
    OFD: frozenset({".ofd"}),
    JPEG: frozenset({".jpg", ".jpeg", ".jpe"}),
    TIFF: frozenset({".tif", ".tiff"}),
    PNG: frozenset({".png"}),
    EML: frozenset({".eml"}),
    MSG: frozenset({".msg"}),
    TEXT: frozenset({".txt", ".text", ".csv", ".log"}),
}
KNOWN_EXTENSIONS = frozenset().union(*EXTENSIONS.values())
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path, mime_type: str) -> str:
    """The file's format from its first bytes; mail and text (no magic) from the filed type."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.lstrip(b"\r\n\t \x00")[:5] == b"%PDF-" or b"%PDF-" in head:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(OLE):
        return MSG
    if head.startswith(b"PK\x03\x04"):
        return OFD if _is_ofd(path) else UNKNOWN
    if mime_type == "message/rfc822" and _is_mail(path):
        return EML
    if mime_type == "text/plain" and _is_text(head):
        return TEXT
    return UNKNOWN


def _is_ofd(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "OFD.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_mail(path: Path) -> bool:
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.compat32)
    return bool(message.get("From") or message.get("Subject"))


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(head) - 4  # a character cut at the end of the sample
    return b"\x00" not in head


PDFA_PART = re.compile(rb"pdfaid:part(?:>|=[\"'])\s*(\d)")
PDFA_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=[\"'])\s*([A-Za-z])")


def pdfa_level(xmp: bytes) -> str:
    """``2B`` for a PDF/A-2b claim in the XMP metadata, empty when it claims none."""
    part = PDFA_PART.search(xmp)
    if part is None:
        return ""
    conformance = PDFA_CONFORMANCE.search(xmp)
    return part.group(1).decode() + (conformance.group(1).decode().upper() if conformance else "")
