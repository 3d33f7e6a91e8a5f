"""Drawing one page of a record's original as a PNG for the record page (thumbnails, viewer).

The original is untrusted bytes like any upload: it is drawn in a child process of bounded
memory (ingestion/sandbox.py) with the same pixel, page-size and inflate limits as filing, so
a decompression bomb is refused with the reason, never held whole; a page that keeps the
drawing busy is refused after ``DMS_PAGE_IMAGE_SECONDS`` of processor time. At most
``DMS_PAGE_IMAGE_DRAWERS`` pages are drawn at once per process, so a strip of thumbnails
(or someone asking for thousands) cannot fork a child per request: a request that waits
``WAIT_SECONDS`` for a free drawer is told to come back (PageImagesBusy). What is drawn is
kept in the storage (records_dms/archive/pageimages.py): each page is drawn once.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image

from ingestion.inflate import frames_check, png_check
from ingestion.parsers.base import RejectedInput
from ingestion.sandbox import bounded, memory_budget
from records_dms.archive.models import Record
from records_dms.archive.pageimages import SIZES, page_image_cached, page_image_keep

WAIT_SECONDS = 10.0


class PageImageRefused(ValidationError):
    """The page cannot be drawn; the message names the record, the page and the reason."""


class PageImagesBusy(Exception):
    """Every drawer was busy for WAIT_SECONDS; nothing was drawn, ask again later."""


_drawers: dict[int, threading.BoundedSemaphore] = {}
_drawers_lock = threading.Lock()


def drawers() -> threading.BoundedSemaphore:
    """The process's drawing slots (one set per configured count, so a test may change it)."""
    count = settings.INGESTION.page_image_drawers
    with _drawers_lock:
        return _drawers.setdefault(count, threading.BoundedSemaphore(count))


def page_image(record: Record, *, number: int, size: str) -> bytes:
    """The PNG of page ``number`` (from 1) of the record at ``size`` (a key of SIZES): the
    kept one, or drawn now and kept. Raises PageImageRefused with the reason, PageImagesBusy
    when no drawer came free in time."""
    cached = page_image_cached(record, number, size)
    if cached is not None:
        return cached
    slots = drawers()
    if not slots.acquire(timeout=WAIT_SECONDS):
        raise PageImagesBusy
    try:
        # Whoever held the slot may have drawn this very page meanwhile.
        data = page_image_cached(record, number, size)
        if data is None:
            data = _draw_bounded(record, number, size)
            page_image_keep(record, number, size, data)
    finally:
        slots.release()
    return data


def _draw_bounded(record: Record, number: int, size: str) -> bytes:
    limits = settings.INGESTION
    try:
        with _local_copy(record.original_key) as path:
            data = bounded(
                _draw,
                path,
                record.mime_type,
                number - 1,
                SIZES[size],
                _Bounds(limits.max_page_points, limits.max_image_pixels, limits.max_inflate_mb),
                budget=memory_budget(limits.max_inflate_mb * 1024 * 1024),
                max_pixels=limits.max_image_pixels,
                cpu_seconds=limits.page_image_seconds,
            )
    except (RejectedInput, RuntimeError, OSError) as error:
        raise PageImageRefused(
            _("%(reference)s, page %(page)d: the page image cannot be drawn (%(reason)s).")
            % {"reference": record.reference, "page": number, "reason": error}
        ) from error
    return data


@contextmanager
def _local_copy(key: str) -> Iterator[Path]:
    """The original as a local file: the stored file itself on the local folder, else a copy."""
    try:
        local = Path(default_storage.path(key))
    except NotImplementedError:  # S3: no local path
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="dms-page-") as folder:
        copy = Path(folder) / "original"
        with default_storage.open(key, "rb") as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield copy


@dataclass(frozen=True)
class _Bounds:
    """Filing's limits, handed to the child (which reads no settings)."""

    max_page_points: float
    max_pixels: int
    max_inflate_mb: int


def _draw(path: Path, mime_type: str, index: int, box: int, bounds: _Bounds) -> bytes:
    """In the bounded child: page ``index`` fitted in a ``box`` pixels square, as PNG."""
    if mime_type == "application/pdf":
        image = _draw_pdf(path, index, box, bounds.max_page_points)
    else:
        image = _draw_picture(path, index, box, bounds)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _draw_pdf(path: Path, index: int, box: int, max_points: float) -> Image.Image:
    document = pdfium.PdfDocument(str(path))
    try:
        if index >= len(document):
            raise RejectedInput(_("the document has no such page"))
        width, height = document.get_page_size(index)
        if max(width, height) > max_points or min(width, height) <= 0:
            raise RejectedInput(
                _("the page size (%(w)d × %(h)d points) is out of bounds")
                % {"w": width, "h": height}
            )
        page = document[index]
        try:
            bitmap = page.render(scale=box / max(width, height))
            image: Image.Image = bitmap.to_pil().copy()  # to_pil shares the bitmap's buffer
            del bitmap
        finally:
            page.close()
        return image
    finally:
        document.close()


def _draw_picture(path: Path, index: int, box: int, bounds: _Bounds) -> Image.Image:
    max_pixels, max_inflate = bounds.max_pixels, bounds.max_inflate_mb * 1024 * 1024
    with path.open("rb") as handle:
        if handle.read(8) == b"\x89PNG\r\n\x1a\n":
            png_check(path, max_inflate)
    with Image.open(path) as image:
        if index >= getattr(image, "n_frames", 1):
            raise RejectedInput(_("the document has no such page"))
        frames_check(image, max_pixels, max_inflate)
        image.seek(index)
        width, height = image.size
        if width * height > max_pixels:
            raise RejectedInput(
                _(
                    "the image is a decompression bomb (%(w)d × %(h)d pixels, more "
                    "than the limit of %(limit)d)"
                )
                % {"w": width, "h": height, "limit": max_pixels}
            )
        image.draft("RGB", (box, box))  # a JPEG decodes at a fraction of its size
        image.thumbnail((box, box))
        return image.copy()
