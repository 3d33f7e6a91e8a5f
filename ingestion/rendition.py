"""The searchable PDF of a scan, assembled from the per-page PDFs of the one OCR pass."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium


def merge_pages(
    original: Path | None, ocr_pages: Mapping[int, Any], count: int, target: Path
) -> Path | None:
    """Pages OCR'd come from Tesseract's PDFs, the others from the original PDF."""
    merged = pdfium.PdfDocument.new()
    source = pdfium.PdfDocument(str(original)) if original is not None else None
    try:
        for index in range(count):
            page = ocr_pages.get(index)
            if page is not None and page.pdf is not None:
                single = pdfium.PdfDocument(str(page.pdf))
                merged.import_pages(single)
                single.close()
            elif source is not None:
                merged.import_pages(source, [index])
            else:
                return None  # a page without a PDF: no complete rendition to keep
        merged.save(str(target))
    finally:
        merged.close()
        if source is not None:
            source.close()
    return target
