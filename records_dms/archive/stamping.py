"""归档章: a copy of a record's PDF with the filing stamp (DA/T 22-2015 §7.3).

The stamped PDF is derived on each request and never stored: the original (and its SHA-256)
stays exactly as filed. What is stamped: the searchable PDF when the record has one (scans and
images), else the original when it is a PDF, else an image original turned into a PDF page by
page. Anything else (an email, a record without a file) is refused with the reason.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageSequence, UnidentifiedImageError

from records_dms.archive.models import Record
from records_dms.archive.references import reference_parts
from records_dms.common.pdfstamp import StampError, StampFields, pdf_stamp


def stamp_fields(record: Record) -> StampFields:
    """全宗号, 年度, 件号, 机构(问题) and 保管期限 of the record's stamp."""
    parts = reference_parts(record)
    return StampFields(
        fonds=parts.fonds, year=parts.year, number=parts.number, org=parts.org, period=parts.period
    )


def _read(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        data: bytes = handle.read()
    return data


def _image_pdf(data: bytes, record: Record) -> bytes:
    """Every frame of an image original as one PDF page at the image's own resolution."""
    Image.MAX_IMAGE_PIXELS = settings.INGESTION.max_image_pixels
    try:
        with Image.open(io.BytesIO(data)) as image:
            dpi = float(image.info.get("dpi", (300, 300))[0] or 300)
            frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(reference)s: the image cannot be read (%(error)s).")
            % {"reference": record.reference, "error": error}
        ) from error
    out = io.BytesIO()
    frames[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=frames[1:])
    return out.getvalue()


def stampable(record: Record) -> bool:
    """Whether the record has a file a stamped PDF can be made of (the page offers the link)."""
    kind = record.mime_type
    return bool(record.rendition_key) or (
        bool(record.original_key) and (kind == "application/pdf" or kind.startswith("image/"))
    )


def stamp_source(record: Record) -> bytes:
    """The PDF to stamp (see the module's docstring), or ValidationError saying why none."""
    if record.rendition_key and default_storage.exists(record.rendition_key):
        return _read(record.rendition_key)
    if not record.original_key or not default_storage.exists(record.original_key):
        raise ValidationError(
            _("%(reference)s has no file to stamp.") % {"reference": record.reference}
        )
    if record.mime_type == "application/pdf":
        return _read(record.original_key)
    if record.mime_type.startswith("image/"):
        return _image_pdf(_read(record.original_key), record)
    raise ValidationError(
        _(
            "%(reference)s: a %(type)s file cannot carry a filing stamp; stamp the PDF of the "
            "record or of its attachments."
        )
        % {"reference": record.reference, "type": record.mime_type or _("non-PDF")}
    )


def record_stamped_pdf(record: Record) -> bytes:
    """The record's PDF with its filing stamp on the first page (the caller logs the read)."""
    try:
        return pdf_stamp(stamp_source(record), stamp_fields(record), name=record.reference)
    except StampError as error:
        raise ValidationError(str(error)) from error
