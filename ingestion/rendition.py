"""The searchable PDF of a scan, assembled from the per-page PDFs of the one OCR pass.

The pages are joined by poppler's ``pdfunite``, which copies each page's objects from its
file to the output as it goes: ~13 MB whatever the page count. Importing them into one
pypdfium2 document instead holds every page's image in memory until the save (300 scanned
pages: ~400 MB). Pages that keep the original's (text-layer pages beside scanned ones) are
cut out of it with pypdfium2 in runs of consecutive pages.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

# PDFium is not thread-safe, not even across documents: every call from a thread that may run
# beside another goes through this lock.
PDFIUM_LOCK = threading.RLock()

UNITE_AT_ONCE = 200  # pdfunite keeps every input open: join in groups below the fd limit
UNITE_TIMEOUT = 600


@dataclass(frozen=True)
class Backdrop:
    """The page as delivered, shown under the OCR text: a PDF's page or a JPEG file."""

    document: pdfium.PdfDocument | None = None  # open; used under PDFIUM_LOCK
    index: int = 0
    jpeg: Path | None = None  # drawn over the whole page at ``dpi``
    dpi: float = 0.0


def searchable_page(text_pdf: Path, backdrop: Backdrop, target: Path, *, angle: float) -> Path:
    """One page: the backdrop with Tesseract's invisible text (``textonly_pdf``) over it.

    Tesseract read a prepared copy (reduced, straightened by ``angle`` degrees): its text
    page has the same size in points, and is turned back by ``angle`` to lie on the lines
    as the backdrop shows them.
    """
    with PDFIUM_LOCK:
        out = pdfium.PdfDocument.new()
        text = pdfium.PdfDocument(str(text_pdf))
        try:
            if backdrop.document is not None:
                out.import_pages(backdrop.document, [backdrop.index])
                page = out[0]
                left, bottom, right, top = page.get_mediabox()
            else:
                assert backdrop.jpeg is not None and backdrop.dpi > 0
                with Image.open(backdrop.jpeg) as image:
                    pixels = image.size
                left, bottom = 0.0, 0.0
                right, top = (size * 72 / backdrop.dpi for size in pixels)
                page = out.new_page(right, top)
                picture = pdfium.PdfImage.new(out)
                picture.load_jpeg(str(backdrop.jpeg), inline=True)  # the bytes as they are
                picture.set_matrix(pdfium.PdfMatrix().scale(right, top))
                page.insert_obj(picture)
            width, height = right - left, top - bottom
            text_page = text[0]
            text_width, text_height = text_page.get_size()
            text_page.close()
            matrix = pdfium.PdfMatrix().scale(width / text_width, height / text_height)
            if angle:
                matrix = (
                    matrix.translate(-width / 2, -height / 2)
                    .rotate(angle, ccw=True)
                    .translate(width / 2, height / 2)
                )
            overlay = text.page_as_xobject(0, out).as_pageobject()
            overlay.transform(matrix.translate(left, bottom))
            page.insert_obj(overlay)
            page.gen_content()
            page.close()
            out.save(str(target))
        finally:
            text.close()
            out.close()
    return target


def merge_pages(
    original: Path | None, ocr_pages: Mapping[int, Any], count: int, target: Path
) -> Path | None:
    """Pages OCR'd come from Tesseract's PDFs, the others from the original PDF."""
    parts: list[Path] = []
    run: list[int] = []  # consecutive pages taken from the original
    work = target.parent / f"{target.stem}-parts"
    work.mkdir(exist_ok=True)
    try:
        for index in range(count):
            page = ocr_pages.get(index)
            if page is not None and page.pdf is not None:
                if run:
                    parts.append(_original_pages(original, run, work / f"{index:05d}.pdf"))
                    run = []
                parts.append(page.pdf)
            elif original is not None:
                run.append(index)
            else:
                return None  # a page without a PDF: no complete rendition to keep
        if run:
            parts.append(_original_pages(original, run, work / "last.pdf"))
        _unite(parts, target, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _original_pages(original: Path | None, indexes: list[int], target: Path) -> Path:
    assert original is not None
    with PDFIUM_LOCK:
        source = pdfium.PdfDocument(str(original))
        part = pdfium.PdfDocument.new()
        try:
            part.import_pages(source, indexes)
            part.save(str(target))
        finally:
            part.close()
            source.close()
    return target


def _unite(parts: list[Path], target: Path, work: Path) -> None:
    if len(parts) == 1:
        shutil.copyfile(parts[0], target)
        return
    while len(parts) > UNITE_AT_ONCE:
        groups = [parts[i : i + UNITE_AT_ONCE] for i in range(0, len(parts), UNITE_AT_ONCE)]
        parts = [
            _run_unite(group, work / f"group-{len(parts)}-{number:04d}.pdf")
            if len(group) > 1
            else group[0]
            for number, group in enumerate(groups)
        ]
    _run_unite(parts, target)


def _run_unite(parts: list[Path], target: Path) -> Path:
    result = subprocess.run(
        ["pdfunite", *map(str, parts), str(target)],
        capture_output=True,
        timeout=UNITE_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pdfunite failed: {result.stderr.decode(errors='replace')[-300:]}")
    return target
