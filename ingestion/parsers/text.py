"""Plain text files: one page per form feed."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from django.utils.translation import gettext as _

from ingestion.ocr import normalise_text
from ingestion.parsers.base import ParseContext, ParsedPage, ParseResult, RejectedInput

MAX_TEXT_BYTES = 20 * 1024 * 1024


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RejectedInput(_("the text is in an unknown encoding"))


class TextParser:
    mime_types: ClassVar[frozenset[str]] = frozenset({"text/plain"})

    def check(self, path: Path, context: ParseContext) -> None:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise RejectedInput(_("the text file is larger than 20 MB"))
        decode_text(path.read_bytes())

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        text = decode_text(path.read_bytes())
        pages = [ParsedPage(normalise_text(part), "text_layer") for part in text.split("\f")]
        return ParseResult(pages=[p for p in pages if p.text] or pages[:1])
