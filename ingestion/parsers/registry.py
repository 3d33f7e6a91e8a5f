"""Which parser reads which MIME type."""

from __future__ import annotations

from .base import Parser, RejectedInput
from .email import EmlParser, MsgParser
from .image import ImageParser
from .pdf import PdfParser
from .text import TextParser

PARSERS: tuple[Parser, ...] = (PdfParser(), ImageParser(), EmlParser(), MsgParser(), TextParser())


def parser_for(mime_type: str) -> Parser:
    for parser in PARSERS:
        if mime_type in parser.mime_types:
            return parser
    raise RejectedInput(f"files of type {mime_type} cannot be filed")
