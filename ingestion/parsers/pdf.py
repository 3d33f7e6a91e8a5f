"""PDFs: the text layer where a page has one, OCR for pages that are scans."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any, ClassVar

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.utils.translation import gettext as _
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from ingestion.inflate import pdf_check
from ingestion.ocr import OcrPage, normalise_text, ocr_each, ocr_pil_image
from ingestion.parsers.base import ParseContext, ParsedPage, ParseResult, RejectedInput
from ingestion.rendition import PDFIUM_LOCK, Backdrop, merge_pages

RASTER_DPI = 300


def _has_encrypt_dictionary(path: Path) -> bool:
    """An encrypted PDF names its /Encrypt dictionary in a trailer near the end."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        return b"/Encrypt" in handle.read()


def _pages_by_pdfminer(path: Path) -> int | None:
    """Page count, -1 when the PDF needs a password, None when pdfminer cannot read it."""
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return -1
    except Exception:
        return None


class PdfParser:
    mime_types: ClassVar[frozenset[str]] = frozenset({"application/pdf"})

    def check(self, path: Path, context: ParseContext) -> None:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 2048))
            if b"%%EOF" not in handle.read():
                raise RejectedInput(_("the PDF is truncated (no end-of-file marker)"))
        # Before PDFium or pdfminer inflate anything (PDFium inflates object streams on open).
        pdf_check(path, context.max_inflate_bytes)
        try:
            with PDFIUM_LOCK:
                document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as error:
            # PDFium's error code can be stale across documents: look at the file itself.
            pages = _pages_by_pdfminer(path)
            if pages == -1 or _has_encrypt_dictionary(path):
                raise RejectedInput(_("the PDF is password protected")) from error
            if pages == 0:
                raise RejectedInput(_("the PDF has no pages")) from error
            raise RejectedInput(
                _("the PDF cannot be read (%(error)s)") % {"error": error}
            ) from error
        with PDFIUM_LOCK:
            try:
                pages = len(document)
                if pages == 0:
                    raise RejectedInput(_("the PDF has no pages"))
                if pages > context.max_pages:
                    raise RejectedInput(
                        _("the PDF has %(pages)d pages, more than %(limit)d")
                        % {"pages": pages, "limit": context.max_pages}
                    )
                _check_page_sizes(document, context.max_page_points)
            finally:
                document.close()

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(str(path))
            try:
                title = str(document.get_metadata_dict().get("Title") or "")
                has_text = [_has_chars(document, index) for index in range(len(document))]
            except BaseException:
                document.close()
                raise
        try:
            layout: list[tuple[str, float]] = []
            pages = self._text_layer(path, has_text, context, layout)
            scanned = [
                index
                for index, page in enumerate(pages)
                if len(page.text.replace(" ", "").replace("\n", "")) < context.min_text_chars
            ]
            results = self._ocr_pages(path, document, scanned, context) if scanned else []
        finally:
            with PDFIUM_LOCK:
                document.close()
        rendition = None
        if scanned:
            for index, result in zip(scanned, results, strict=True):
                pages[index] = ParsedPage(result.text, "ocr", result.confidence)
            rendition = merge_pages(
                path,
                dict(zip(scanned, results, strict=True)),
                len(pages),
                context.work_dir / "rendition.pdf",
            )
        return ParseResult(
            pages=pages,
            title=title,
            page_one_lines=[text for text, _size in layout],
            heading=_heading(layout),
            rendition=rendition,
        )

    def _text_layer(
        self,
        path: Path,
        has_text: list[bool],
        context: ParseContext,
        layout: list[tuple[str, float]],
    ) -> list[ParsedPage]:
        """pdfplumber's text of the pages PDFium finds characters on; a scan is not opened.

        ``layout`` receives page 1's lines as laid out, with their type size.
        """
        pages = [ParsedPage(text="", source="text_layer") for _ in has_text]
        if not any(has_text):
            return pages
        try:
            with pdfplumber.open(path) as pdf:
                for index, page in enumerate(pdf.pages):
                    if has_text[index]:
                        text = page.extract_text() or ""
                        if index == 0:
                            layout[:] = _page_lines(page)
                        pages[index] = ParsedPage(
                            normalise_text(text, join_cjk_lines=True), "text_layer"
                        )
                    page.close()  # free the page's parsed objects: pages stream one at a time
        except (PdfminerException, PSException, RecursionError):
            # A structure pdfminer cannot follow (an xref chain that loops, say) that PDFium
            # repaired: take PDFium's text of the same pages instead of losing the document.
            return _text_by_pdfium(path, has_text)
        return pages

    def _ocr_pages(
        self, path: Path, document: pdfium.PdfDocument, indexes: list[int], context: ParseContext
    ) -> list[OcrPage]:
        work = context.work_dir / "ocr"
        work.mkdir(exist_ok=True)

        def one(index: int, slots: threading.Semaphore) -> OcrPage:
            stem = work / f"page-{index + 1:05d}"
            with PDFIUM_LOCK:
                scan = _embedded_scan(document, index)
            if scan is None:
                with PDFIUM_LOCK:
                    width, height = document.get_page_size(index)
                raster = raster_dpi(width, height, context.max_pixels)
                return self._rasterised(path, index, stem, context, slots, raster)
            picture, dpi = scan
            del scan
            if isinstance(picture, bytes):  # the scanner's JPEG, as it is in the file
                source = stem.with_suffix(".jpg")
                source.write_bytes(picture)
                del picture
                try:
                    with Image.open(source) as image:
                        usable = image.mode in ("L", "RGB")
                        return ocr_pil_image(
                            image, dpi, work, context, stem.name,
                            source=source if usable else None, slots=slots,
                            backdrop=Backdrop(document=document, index=index),
                        )  # fmt: skip
                finally:
                    source.unlink(missing_ok=True)
            # Other encodings: the picture's own pixels, decoded by PDFium.
            return ocr_pil_image(
                picture, dpi, work, context, stem.name, slots=slots,
                backdrop=Backdrop(document=document, index=index),
            )  # fmt: skip

        return ocr_each(indexes, one, context.ocr_workers)

    def _rasterised(
        self,
        path: Path,
        index: int,
        stem: Path,
        context: ParseContext,
        slots: threading.Semaphore,
        dpi: int = RASTER_DPI,
    ) -> OcrPage:
        """A page that is more than one picture: pdftoppm draws all of it, gray, 300 dpi
        (less for a page so large its raster would pass the pixel limit)."""
        command = [
                "pdftoppm",
                "-r",
                str(dpi),
                "-gray",
                "-f",
                str(index + 1),
                "-l",
                str(index + 1),
                "-singlefile",
                str(path),
                str(stem),
            ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=context.ocr_timeout)
        except subprocess.TimeoutExpired as error:
            raise RejectedInput(
                _("drawing page %(page)d took longer than the limit of %(s)g s")
                % {"page": index + 1, "s": context.ocr_timeout}
            ) from error
        raster = stem.with_suffix(".pgm")
        try:
            with Image.open(raster) as image:
                return ocr_pil_image(image, dpi, stem.parent, context, stem.name, slots=slots)
        finally:
            raster.unlink(missing_ok=True)


def _check_page_sizes(document: pdfium.PdfDocument, limit: float) -> None:
    """An absurd MediaBox (200000 × 200000 points) would make an absurd raster: refuse it."""
    for index in range(len(document)):
        width, height = document.get_page_size(index)
        if max(width, height) > limit:
            raise RejectedInput(
                _(
                    "page %(page)d's page size (%(w)d × %(h)d points) is larger than the "
                    "limit of %(limit)d points"
                )
                % {"page": index + 1, "w": width, "h": height, "limit": limit}
            )


def _text_by_pdfium(path: Path, has_text: list[bool]) -> list[ParsedPage]:
    pages = [ParsedPage(text="", source="text_layer") for _ in has_text]
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            for index, wanted in enumerate(has_text):
                if not wanted:
                    continue
                page = document[index]
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
                    page.close()
                pages[index] = ParsedPage(normalise_text(text, join_cjk_lines=True), "text_layer")
        finally:
            document.close()
    return pages


def raster_dpi(width_points: float, height_points: float, max_pixels: int) -> int:
    """300 dpi, or less for a page so large that 300 dpi would pass ``max_pixels``."""
    area = (width_points / 72) * (height_points / 72)
    fitting = (max_pixels / area) ** 0.5 if area > 0 else RASTER_DPI
    return max(1, min(RASTER_DPI, int(fitting)))


def _has_chars(document: pdfium.PdfDocument, index: int) -> bool:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return bool(textpage.count_chars())
        finally:
            textpage.close()
    finally:
        page.close()


MIN_COVER = 0.9  # the picture covers at least this share of the page's width and height


def _embedded_scan(
    document: pdfium.PdfDocument, index: int
) -> tuple[bytes | Image.Image, float] | None:
    """A scanned page's picture at its own resolution, without drawing the page.

    A page whose only content is one upright picture covering it is a scan: its JPEG bytes
    (DCTDecode) are returned as they are, other encodings decoded by PDFium to their own
    pixels, with the resolution the page gives them. None for anything else (text, vector
    drawings, several pictures, rotated pages), which pdftoppm then draws.
    """
    page = document[index]
    try:
        if page.get_rotation() % 360:
            return None
        objects = list(page.get_objects(max_depth=1))
        if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return None
        picture = objects[0]
        assert isinstance(picture, pdfium.PdfImage)
        width, height = page.get_size()
        left, bottom, right, top = picture.get_bounds()
        if right - left < MIN_COVER * width or top - bottom < MIN_COVER * height:
            return None
        matrix = picture.get_matrix()
        if matrix.b or matrix.c or matrix.a <= 0 or matrix.d <= 0:
            return None  # turned or mirrored
        metadata = picture.get_metadata()
        dpi_x, dpi_y = metadata.horizontal_dpi, metadata.vertical_dpi
        if dpi_x <= 0 or abs(dpi_x - dpi_y) > 0.01 * dpi_x:
            return None  # pixels that are not square: let pdftoppm draw the page
        if picture.get_filters() == ["DCTDecode"]:
            return bytes(picture.get_data(decode_simple=False)), float(dpi_x)
        bitmap = picture.get_bitmap(render=False)
        image = bitmap.to_pil().convert("L")  # a copy: to_pil shares the bitmap's buffer
        del bitmap  # freed by its finalizer (closing it by hand makes pypdfium2 warn)
        return image, float(dpi_x)
    except pdfium.PdfiumError:
        return None
    finally:
        page.close()


HEADING_SCALE = 1.2  # type this much larger than the page's usual is a heading
HEADING_LINES = 12  # a heading is among page 1's first lines


def _page_lines(page: Any) -> list[tuple[str, float]]:
    """A page's lines top to bottom with the largest type size in each."""
    lines = [
        (normalise_text(line["text"]), max((char["size"] for char in line["chars"]), default=0))
        for line in page.extract_text_lines()
    ]
    return [(text, size) for text, size in lines if text]


def _heading(lines: list[tuple[str, float]]) -> str:
    """The first of page 1's first lines set in clearly larger type than most, or ""."""
    sizes = sorted(size for _text, size in lines)
    usual = sizes[len(sizes) // 2] if sizes else 0
    top = lines[:HEADING_LINES]
    return next((text for text, size in top if usual and size >= usual * HEADING_SCALE), "")
