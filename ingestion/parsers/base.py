"""The parser protocol and the typed values that travel between pipeline stages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol


class RejectedInput(Exception):
    """Raised by a parser for a file it refuses; the message gives the reason (no file name)."""


@dataclass(frozen=True)
class ParseContext:
    """Configuration handed to parsers; they never read global settings themselves."""

    work_dir: Path  # a private scratch folder, removed after the file is done
    ocr_languages: str = "chi_sim+eng"
    ocr_workers: int = 2
    max_pages: int = 2000
    tesseract_cmd: str = "tesseract"
    min_text_chars: int = 20  # a PDF page with less text than this is OCR'd
    max_pixels: int = 89_478_485  # an image (or a page's raster) larger than this is refused
    max_page_points: float = 14_400.0  # a PDF page wider or taller than this is refused
    max_email_header_bytes: int = 256 * 1024
    max_email_parts: int = 1000
    max_attachments: int = 100
    ocr_timeout: float = 600.0  # seconds for one page
    max_inflate_bytes: int = 256 * 1024 * 1024  # one stream, frame or part, decompressed


@dataclass
class ParsedPage:
    text: str
    source: str  # "text_layer" or "ocr"
    confidence: float | None = None


@dataclass
class Attachment:
    name: str
    path: Path  # written by the parser inside ParseContext.work_dir


@dataclass
class ParseResult:
    pages: list[ParsedPage] = field(default_factory=list)
    title: str = ""  # a suggestion, used when the clerk gave none
    # Page 1 as laid out, line by line (a text layer's page text joins Chinese lines), and
    # its line set in clearly the largest type: where ingestion/suggest.py looks.
    page_one_lines: list[str] = field(default_factory=list)
    heading: str = ""
    document_date: datetime.date | None = None  # a suggestion (e.g. an email's Date header)
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. from, to, cc, subject
    attachments: list[Attachment] = field(default_factory=list)
    rendition: Path | None = None  # a searchable PDF made from the same OCR pass


class Parser(Protocol):
    mime_types: ClassVar[frozenset[str]]

    def check(self, path: Path, context: ParseContext) -> None:
        """Cheap deep validation for preflight; raise RejectedInput with the reason."""

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        """Per-page text and whatever else the file carries."""
