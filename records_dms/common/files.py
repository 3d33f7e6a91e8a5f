"""Handing a file to the browser: always as an attachment, under a name whose extension says
what the bytes are (never what a client's file name claimed), and never sniffed."""

from __future__ import annotations

import re
import unicodedata

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# What a filed type may be called; the first is used when the given name does not fit.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/tiff": (".tif", ".tiff"),
    "application/vnd.ms-outlook": (".msg",),
    "message/rfc822": (".eml",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
# Quotes, separators, "=" and path characters end (or start) a header parameter or a path in
# some clients' parsers; none of them is needed in a file name.
_UNSAFE = re.compile(r'["\\/;:=*?<>|]')


def download_name(name: str, content_type: str, *, fallback: str = "download") -> str:
    """``name`` cleaned for a Content-Disposition header, with the extension of
    ``content_type`` (a text file called ``x.html`` comes back as ``x.html.txt``)."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .") or fallback
    allowed = EXTENSIONS.get(content_type.split(";")[0].strip().lower())
    if allowed is None:
        allowed = (".bin",)
    if not name.lower().endswith(allowed):
        name = f"{name}{allowed[0]}"
    return name


def attach(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    """Mark ``response`` as a download named ``filename`` (RFC 6266, UTF-8 safe), unsniffed."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes served as a download under a safe name for their type."""
    response = HttpResponse(content, content_type=content_type)
    attach(response, download_name(filename, content_type))
    return response
