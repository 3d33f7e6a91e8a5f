"""PDFs: the text layer where a page has one, OCR for pages that are scans."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import pdfplumber
import pypdfium2 as pdfium
from django.utils.translation import gettext as _
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from PIL import Image

from ..ocr import OcrPage, normalise_text, ocr_pil_image
from ..rendition import merge_pages
from .base import ParseContext, ParsedPage, ParseResult, RejectedInput

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
        try:
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
        try:
            pages = len(document)
        finally:
            document.close()
        if pages == 0:
            raise RejectedInput(_("the PDF has no pages"))
        if pages > context.max_pages:
            raise RejectedInput(
                _("the PDF has %(pages)d pages, more than %(limit)d")
                % {"pages": pages, "limit": context.max_pages}
            )

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        pages: list[ParsedPage] = []
        scanned: list[int] = []
        with pdfplumber.open(path) as pdf:
            title = str((pdf.metadata or {}).get("Title") or "")
            for index, page in enumerate(pdf.pages):
                text = normalise_text(page.extract_text() or "", join_cjk_lines=True)
                page.close()  # free the page's parsed objects: pages stream one at a time
                if len(text.replace(" ", "").replace("\n", "")) < context.min_text_chars:
                    scanned.append(index)
                pages.append(ParsedPage(text=text, source="text_layer"))
        rendition = None
        if scanned:
            results = self._ocr_pages(path, scanned, context)
            for index, result in zip(scanned, results, strict=True):
                pages[index] = ParsedPage(result.text, "ocr", result.confidence)
            rendition = merge_pages(
                path,
                dict(zip(scanned, results, strict=True)),
                len(pages),
                context.work_dir / "rendition.pdf",
            )
        return ParseResult(pages=pages, title=title, rendition=rendition)

    def _ocr_pages(self, path: Path, indexes: list[int], context: ParseContext) -> list[OcrPage]:
        work = context.work_dir / "ocr"
        work.mkdir(exist_ok=True)

        def one(index: int) -> OcrPage:
            stem = work / f"page-{index + 1:05d}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    str(RASTER_DPI),
                    "-gray",
                    "-f",
                    str(index + 1),
                    "-l",
                    str(index + 1),
                    "-singlefile",
                    str(path),
                    str(stem),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            raster = stem.with_suffix(".pgm")
            try:
                with Image.open(raster) as image:
                    return ocr_pil_image(image, RASTER_DPI, work, context, stem.name)
            finally:
                raster.unlink(missing_ok=True)

        # One Tesseract per worker; each holds only its own page image.
        with ThreadPoolExecutor(max_workers=max(1, context.ocr_workers)) as pool:
            return list(pool.map(one, indexes))
