"""Which parser reads which MIME type."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ingestion.parsers.base import Parser, RejectedInput
from ingestion.parsers.email import EmlParser, MsgParser
from ingestion.parsers.image import ImageParser
from ingestion.parsers.pdf import PdfParser
from ingestion.parsers.text import TextParser

PARSERS: tuple[Parser, ...] = (PdfParser(), ImageParser(), EmlParser(), MsgParser(), TextParser())


def parser_for(mime_type: str) -> Parser:
    for parser in PARSERS:
        if mime_type in parser.mime_types:
            return parser
    raise RejectedInput(_("files of type %(type)s cannot be filed") % {"type": mime_type})
