"""Scanned images: PNG, JPEG and (multi-page) TIFF, OCR'd frame by frame."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import ClassVar

from django.utils.translation import gettext as _
from PIL import Image, ImageSequence, UnidentifiedImageError

from ingestion.inflate import frames_check, png_check
from ingestion.ocr import OcrPage, guess_dpi, ocr_each, ocr_pil_image
from ingestion.parsers.base import ParseContext, ParsedPage, ParseResult, RejectedInput
from ingestion.rendition import Backdrop, merge_pages


def _dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    return float(dpi[0]) if dpi else None


class ImageParser:
    mime_types: ClassVar[frozenset[str]] = frozenset({"image/png", "image/jpeg", "image/tiff"})

    def check(self, path: Path, context: ParseContext) -> None:
        """Decode every frame once: truncation and decompression bombs show up here.

        Before any decoding: the PNG's compressed chunks are inflated and counted, and
        every frame's header is checked against the pixel and size bounds.
        """
        with path.open("rb") as handle:
            if handle.read(8) == b"\x89PNG\r\n\x1a\n":
                png_check(path, context.max_inflate_bytes)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(path) as image:
                    width, height = image.size
                    if width * height > context.max_pixels:
                        raise RejectedInput(
                            _(
                                "the image is a decompression bomb (%(w)d × %(h)d pixels, more "
                                "than the limit of %(limit)d)"
                            )
                            % {"w": width, "h": height, "limit": context.max_pixels}
                        )
                    frames = getattr(image, "n_frames", 1)
                    if frames > context.max_pages:
                        raise RejectedInput(
                            _("the image has %(pages)d pages, more than %(limit)d")
                            % {"pages": frames, "limit": context.max_pages}
                        )
                    frames_check(image, context.max_pixels, context.max_inflate_bytes)
                    for frame in ImageSequence.Iterator(image):
                        frame.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise RejectedInput(
                    _("the image is a decompression bomb (%(error)s)") % {"error": error}
                ) from error
            except UnidentifiedImageError as error:
                raise RejectedInput(_("the image cannot be decoded")) from error
            except OSError as error:
                raise RejectedInput(
                    _("the image is damaged or truncated (%(error)s)") % {"error": error}
                ) from error

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        work = context.work_dir / "ocr"
        work.mkdir(exist_ok=True)
        with Image.open(path) as image:
            count = getattr(image, "n_frames", 1)

        def one(index: int, slots: threading.Semaphore) -> OcrPage:
            return ocr_frame(path, index, work, context, slots=slots)

        results = ocr_each(range(count), one, context.ocr_workers)
        pages = [ParsedPage(r.text, "ocr", r.confidence) for r in results]
        rendition = merge_pages(
            None, dict(enumerate(results)), count, context.work_dir / "rendition.pdf"
        )
        return ParseResult(pages=pages, rendition=rendition)


def ocr_frame(
    path: Path,
    index: int,
    work: Path,
    context: ParseContext,
    *,
    slots: threading.Semaphore | None = None,
) -> OcrPage:
    """OCR one frame of an image file; each call opens the file, decoding only that frame.

    Tesseract reads a single JPEG or PNG of plain gray or colour pixels itself when
    preparation leaves it alone, and a JPEG is shown in the searchable PDF as it is, whatever
    copy Tesseract read.
    """
    with Image.open(path) as image:
        whole = (
            getattr(image, "n_frames", 1) == 1
            and image.format in ("JPEG", "PNG")
            and image.mode in ("L", "RGB")
        )
        image.seek(index)
        dpi = _dpi(image)
        backdrop = (
            Backdrop(jpeg=path, dpi=dpi or guess_dpi(image))
            if whole and image.format == "JPEG"
            else None
        )
        return ocr_pil_image(
            image, dpi, work, context, f"frame-{index + 1:05d}",
            source=path if whole else None, backdrop=backdrop, slots=slots,
        )  # fmt: skip
