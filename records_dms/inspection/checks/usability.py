"""可用性 (usability): a format kept for the long term, that opens and renders, unencrypted,
without proprietary compression."""

from __future__ import annotations

import email
import email.policy
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from records_dms.inspection import items
from records_dms.inspection.checks.authenticity import _no_file
from records_dms.inspection.checks.formats import EML, JPEG, OFD, PDF, PDFA, PNG, TIFF
from records_dms.inspection.checks.subject import Subject
from records_dms.inspection.items import Finding

RENDER_SCALE = 0.15  # about 90 × 125 px for an A4 page: every page drawn, cheaply
OPEN_TIFF = frozenset(
    {
        "raw",
        "tiff_ccitt",
        "group3",
        "group4",
        "tiff_lzw",
        "tiff_adobe_deflate",
        "tiff_deflate",
        "packbits",
        "jpeg",
        "tiff_jpeg",
        "webp",
    }
)
ENCRYPTED_MAIL = frozenset({"multipart/encrypted", "application/pkcs7-mime"})


def _kind(subject: Subject) -> str:
    facts = subject.pdf
    return PDFA if facts is not None and facts.pdfa else subject.format


def format_allowed(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.FORMAT_ALLOWED)) is not None:
        return early
    kind, allowed = _kind(subject), settings.INSPECTION.formats
    shown = "PDF/A" if kind == PDFA else kind.upper()
    shown += f"-{subject.pdf.pdfa}" if kind == PDFA and subject.pdf else ""
    if kind in allowed or (kind == PDFA and PDF in allowed):
        return items.passed(items.FORMAT_ALLOWED, shown)
    return items.failed(
        items.FORMAT_ALLOWED,
        _("%(kind)s is not on the allowed list (%(allowed)s)")
        % {"kind": shown, "allowed": ", ".join(allowed)},
    )


def _render_pdf(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                page.render(scale=RENDER_SCALE).close()
            finally:
                page.close()
        return _("%(n)d page(s) rendered") % {"n": len(document)}
    finally:
        document.close()


def _decode_image(path: Path) -> str:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = settings.INGESTION.max_image_pixels
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        for index in range(frames):
            image.seek(index)
            image.load()
        return _("%(n)d frame(s) decoded, %(w)d × %(h)d") % {
            "n": frames,
            "w": image.width,
            "h": image.height,
        }


def _open_ofd(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        damaged = archive.testzip()
        if damaged:
            raise ValueError(_("damaged member %(name)s") % {"name": damaged})
        archive.read("OFD.xml")
    return _("package opens (OFD pages are not rendered here)")


def _open_mail(path: Path) -> str:
    with path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None and not message.get("Subject"):
        raise ValueError(_("no body and no subject"))
    return _("message opens")


OPENERS = {PDF: _render_pdf, JPEG: _decode_image, PNG: _decode_image, TIFF: _decode_image}
OPENERS |= {OFD: _open_ofd, EML: _open_mail}


def renders(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.RENDERS)) is not None:
        return early
    opener = OPENERS.get(subject.format)
    if opener is None:
        return items.failed(items.RENDERS, _("no way to open a file of this format here"))
    facts = subject.pdf
    if facts is not None and not facts.readable:
        return items.failed(items.RENDERS, _("the file needs a password to open"))
    assert subject.path is not None
    try:
        return items.passed(items.RENDERS, opener(subject.path))
    except Exception as error:  # any decoder error means it does not open
        return items.failed(items.RENDERS, f"{type(error).__name__}: {error}"[:300])


def _encrypted(subject: Subject) -> str:
    assert subject.path is not None
    if subject.pdf is not None:
        return _("the PDF is encrypted") if subject.pdf.encrypted else ""
    if subject.format == OFD:
        with zipfile.ZipFile(subject.path) as archive:
            if any(info.flag_bits & 0x1 for info in archive.infolist()):
                return _("the OFD package is encrypted")
    if subject.format == EML:
        with subject.path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.compat32)
        if message.get_content_type() in ENCRYPTED_MAIL:
            return _("the message is encrypted")
    return ""


def not_encrypted(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.NOT_ENCRYPTED)) is not None:
        return early
    return items.verdict(items.NOT_ENCRYPTED, [p for p in [_encrypted(subject)] if p])


def compression(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.COMPRESSION)) is not None:
        return early
    assert subject.path is not None
    facts = subject.pdf
    if facts is not None:
        closed = facts.closed_filters
        if closed:
            return items.failed(
                items.COMPRESSION,
                _("stream filters not open: %(names)s") % {"names": ", ".join(closed)},
            )
        return items.passed(items.COMPRESSION, ", ".join(sorted(facts.filters)))
    if subject.format == TIFF:
        from PIL import Image

        try:
            with Image.open(subject.path) as image:
                method = str(image.info.get("compression", "raw"))
        except Exception as error:
            return items.failed(items.COMPRESSION, f"{type(error).__name__}: {error}"[:300])
        if method not in OPEN_TIFF:
            return items.failed(
                items.COMPRESSION, _("TIFF compression %(name)s") % {"name": method}
            )
        return items.passed(items.COMPRESSION, method)
    return items.passed(items.COMPRESSION, subject.format.upper())


CHECKS = (format_allowed, renders, not_encrypted, compression)
