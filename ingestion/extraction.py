"""Per-page text of an original. PDFs with a text layer for now; OCR arrives with issue #3."""

from __future__ import annotations

import re
import unicodedata
from typing import IO

import pdfplumber

from records_dms.archive.models import PageSource

PageText = tuple[str, str, float | None]

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# pdfplumber breaks lines inside Chinese words; a break between two CJK characters is no space.
_CJK_LINE_BREAK = re.compile(rf"(?<=[{_CJK}])\n(?=[{_CJK}])")


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _CJK_LINE_BREAK.sub("", text).strip()


def pdf_pages(stream: IO[bytes]) -> list[PageText]:
    with pdfplumber.open(stream) as pdf:  # type: ignore[arg-type]  # any binary stream works
        return [
            (normalise_text(page.extract_text() or ""), PageSource.TEXT_LAYER, None)
            for page in pdf.pages
        ]


def text_pages(stream: IO[bytes]) -> list[PageText]:
    return [(normalise_text(stream.read().decode("utf-8")), PageSource.TEXT_LAYER, None)]


EXTRACTORS = {"application/pdf": pdf_pages, "text/plain": text_pages}
