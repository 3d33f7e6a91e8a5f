"""Files with planted faults, made in the test, and a way to file one as received (bypassing
the filing pipeline's own refusals, as a transfer or a damaged store would present it)."""

from __future__ import annotations

import datetime
import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from records_dms.archive.models import Customer, Record
from records_dms.archive.services import record_create, record_pages_set
from records_dms.inspection.models import Inspection, Outcome
from tests.factories import make_pdf

# Built from parts so that no scanner flags this source file itself.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


def javascript_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(io.BytesIO(make_pdf(["会议纪要正文"])))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(io.BytesIO(make_pdf(["合同正文"])))
    writer.encrypt("secret-user", "secret-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, "JPEG")
    return out.getvalue()


def file_received(
    customer: Customer,
    data: bytes,
    *,
    name: str = "file.pdf",
    mime_type: str = "application/pdf",
    title: str = "会议纪要",
    actor: Any = None,
    type: str = "minutes",
    pages: int = 1,
) -> Record:
    """A record whose original is ``data`` stored as ingestion stores it, with ``pages``."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(data))
    record = record_create(
        customer=customer,
        type=type,
        title=title,
        document_date=datetime.date(2024, 5, 6),
        actor=actor,
        original={
            "key": key,
            "name": name,
            "mime_type": mime_type,
            "size": len(data),
            "sha256": sha256,
        },
    )
    return record_pages_set(
        record=record, actor=actor, pages=[(f"第{n}页", "text_layer", None) for n in range(pages)]
    )


def faults(inspection: Inspection, record: Record | None = None) -> dict[str, str]:
    """Item number (``1-1``) → detail of each failed item (of one record, if given)."""
    results = inspection.results.filter(outcome=Outcome.FAIL)
    if record is not None:
        results = results.filter(record=record)
    return {r.code.split("-", 1)[1]: r.detail for r in results}
