"""What a PDF holds, read once from every object it has (those packed in object streams too):
encryption, stream filters, active content, signatures and a PDF/A claim."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from records_dms.inspection.checks.formats import pdfa_level

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are our findings, not logs

# ISO 32000's standard filters. LZW is standard but was patent-encumbered and PDF/A forbids it;
# Crypt is encryption, reported by its own check.
OPEN_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/DCTDecode",
        "/CCITTFaxDecode",
        "/RunLengthDecode",
        "/JBIG2Decode",
        "/JPXDecode",
        "/ASCIIHexDecode",
        "/ASCII85Decode",
        "/Fl",
        "/DCT",
        "/CCF",
        "/RL",
        "/AHx",
        "/A85",
        "/Crypt",
    }
)
MAX_OBJECTS = 200_000
XMP_BYTES = 200_000


@dataclass
class PdfFacts:
    error: str = ""
    encrypted: bool = False
    readable: bool = True  # false when a password is needed to read it
    filters: set[str] = field(default_factory=set)
    javascript: bool = False
    launch: bool = False
    embedded_files: bool = False
    signature_fields: int = 0
    pdfa: str = ""

    @property
    def closed_filters(self) -> list[str]:
        return sorted(self.filters - OPEN_FILTERS)

    @property
    def active(self) -> list[str]:
        found = [("JavaScript", self.javascript), ("Launch", self.launch)]
        found.append(("EmbeddedFile", self.embedded_files))
        return [name for name, present in found if present]


def pdf_facts(path: Path) -> PdfFacts:
    from pypdf import PdfReader

    facts = PdfFacts()
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            facts.encrypted = True
            facts.readable = bool(reader.decrypt(""))
            if not facts.readable:
                return facts
        for obj in _objects(reader):
            _note(obj, facts, depth=0)
        facts.pdfa = _pdfa(reader)
    except Exception as error:  # pypdf raises many kinds of errors on a damaged file
        facts.error = f"{type(error).__name__}: {error}"[:300]
    return facts


def _objects(reader: Any) -> Iterator[Any]:
    from pypdf.generic import IndirectObject

    count = 0
    for generation, numbers in reader.xref.items():
        for number in numbers:
            count += 1
            if count > MAX_OBJECTS:
                return
            try:
                yield reader.get_object(IndirectObject(number, generation, reader))
            except Exception:  # noqa: S112  (a damaged object: the others still count)
                continue
    for number in reader.xref_objStm:
        try:
            yield reader.get_object(IndirectObject(number, 0, reader))
        except Exception:  # noqa: S112  (a damaged object: the others still count)
            continue


def _note(obj: Any, facts: PdfFacts, depth: int) -> None:
    """Look at one object and at the direct objects inside it (an inline action dictionary)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > 8 or isinstance(obj, IndirectObject):
        return
    if isinstance(obj, ArrayObject):
        for value in obj:
            _note(value, facts, depth + 1)
        return
    if not isinstance(obj, DictionaryObject):
        return
    keys = set(obj.keys())
    kind, action = str(obj.get("/Type", "")), str(obj.get("/S", ""))
    if "/JS" in keys or "/JavaScript" in keys or action == "/JavaScript":
        facts.javascript = True
    if action == "/Launch":
        facts.launch = True
    if kind == "/EmbeddedFile" or "/EmbeddedFiles" in keys or "/EF" in keys:
        facts.embedded_files = True
    if kind == "/Sig" or str(obj.get("/FT", "")) == "/Sig":
        facts.signature_fields += 1
    if isinstance(obj, StreamObject) and "/Filter" in keys:
        given: Any = obj["/Filter"]
        names = list(given) if isinstance(given, ArrayObject) else [given]
        facts.filters.update(str(name) for name in names)
    for key, value in obj.items():
        if key not in ("/Parent", "/P"):
            _note(value, facts, depth + 1)


def _pdfa(reader: Any) -> str:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return ""
    stream = metadata.get_object()
    raw, method = stream._data, str(stream.get("/Filter", ""))
    # Inflated no further than needed: a metadata stream could be a decompression bomb.
    if method in ("/FlateDecode", "/Fl"):
        return pdfa_level(zlib.decompressobj().decompress(raw, XMP_BYTES))
    return pdfa_level(raw[:XMP_BYTES]) if not method else ""
