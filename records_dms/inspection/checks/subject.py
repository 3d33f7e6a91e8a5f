"""One record as the checks see it: its metadata, a local copy of its stored original (hashed
and identified once), the batch's virus scan, and what the batch shares (numbering groups)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from records_dms.archive.models import Record
from records_dms.inspection.checks.clamav import ScanResult
from records_dms.inspection.checks.formats import PDF, sniff
from records_dms.inspection.checks.pdffacts import PdfFacts, pdf_facts


@dataclass
class Batch:
    """What checks of one inspection share."""

    scanner_missing: str = ""  # the scanner's name when it is not installed
    groups: dict[str, dict[int, str]] = field(default_factory=dict)  # prefix → number → ref
    # stored original's key → live records pointing to it (pk → reference), for one chunk:
    # the key has no index, so it is read once per chunk, not once per record.
    key_owners: dict[str, dict[int, str]] = field(default_factory=dict)


@dataclass
class Subject:
    record: Record
    batch: Batch
    path: Path | None = None  # a readable copy of the stored original; None if it has none
    missing: bool = False  # it should have one, but the storage has no such file
    scan: ScanResult | None = None

    @property
    def has_file(self) -> bool:
        return self.path is not None

    @cached_property
    def sha256(self) -> str:
        assert self.path is not None
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest()

    @cached_property
    def size(self) -> int:
        assert self.path is not None
        return self.path.stat().st_size

    @cached_property
    def format(self) -> str:
        assert self.path is not None
        return sniff(self.path, self.record.mime_type)

    @cached_property
    def pdf(self) -> PdfFacts | None:
        if self.path is None or self.format != PDF:
            return None
        return pdf_facts(self.path)
