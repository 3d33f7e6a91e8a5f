"""`dms verify`: the audit chain and the checkout register (entries, signed heads, checkpoints),
every stored original's checksum, the search index, the certificates of destruction, and the
seals of destruction lists, certificates and loans."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.storage import default_storage

from records_dms.archive.models import Record, RecordState
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from records_dms.common.checkpoints import Checkpoint
from records_dms.lending.models import Loan, RegisterEntry
from records_dms.lending.register import loans_verify, register_verify
from retention.certificates import certificates_verify
from retention.models import DestructionCertificate, DestructionRequest
from retention.seals import destruction_seals_verify


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    problem: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "subject": self.subject, "problem": self.problem}


def _sha256_of(key: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(key, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def originals_verify() -> list[Finding]:
    """Fixity check: every stored original still hashes to the SHA-256 filed with it."""
    findings = []
    records = Record.objects.exclude(original_key="").exclude(state=RecordState.DESTROYED)
    for record in records.only("reference", "original_key", "sha256").iterator():
        if not default_storage.exists(record.original_key):
            findings.append(Finding("originals", record.reference, "stored original is missing"))
        elif _sha256_of(record.original_key) != record.sha256:
            findings.append(
                Finding("originals", record.reference, "stored original does not match its SHA-256")
            )
    return findings


def search_index_verify() -> tuple[list[Finding], int | None]:
    """Every live record is in the search index and nothing destroyed or unknown is; and
    each indexed record's customer, confidentiality and state are the database's (every
    record; None records compared when the backend cannot list what it holds)."""
    from records_dms.archive.indexing import index_differences, indexed_record_ids

    live = set(Record.objects.exclude(state=RecordState.DESTROYED).values_list("pk", flat=True))
    indexed = indexed_record_ids()
    references = dict(Record.objects.filter(pk__in=live ^ indexed).values_list("pk", "reference"))
    findings = [
        Finding("search", references.get(pk, str(pk)), "not in the search index; run dms reindex")
        for pk in sorted(live - indexed)
    ]
    findings += [
        Finding(
            "search",
            references.get(pk, f"record id {pk}"),
            "in the search index but destroyed or unknown; run dms reindex",
        )
        for pk in sorted(indexed - live)
    ]
    differences = index_differences()
    findings += [
        Finding("search", d.reference, f"{d.problem}; run dms reindex") for d in differences or []
    ]
    return findings, None if differences is None else len(live & indexed)


def verify_all(
    checkpoints: Iterable[Checkpoint] = (),
) -> tuple[list[Finding], dict[str, int]]:
    """Everything ``dms verify`` checks; ``checkpoints`` are extra anchors (from a backup or
    the daily e-mail) besides the checkpoint log in the data dir."""
    checkpoints = list(checkpoints)
    findings = [
        Finding("audit", _where(f.sequence), f.problem)
        for f in audit_chain_verify(checkpoints=checkpoints)
    ]
    findings += originals_verify()
    findings += [
        Finding("register", _where(f.sequence), f.problem)
        for f in register_verify(checkpoints=checkpoints)
    ]
    findings += [Finding("loans", f.loan, f.problem) for f in loans_verify()]
    search_findings, compared = search_index_verify()
    findings += search_findings
    findings += [Finding("certificates", p.number, p.problem) for p in certificates_verify()]
    findings += [Finding("destruction", p.subject, p.problem) for p in destruction_seals_verify()]
    counts = {
        "audit_events": AuditEvent.objects.count(),
        "register_entries": RegisterEntry.objects.count(),
        "originals": Record.objects.exclude(original_key="").count(),
        "certificates": DestructionCertificate.objects.count(),
        "loans": Loan.objects.count(),
        "destruction_requests": DestructionRequest.objects.count(),
    }
    if compared is not None:
        counts["indexed_records_compared"] = compared
    return findings, counts


def _where(sequence: int | None) -> str:
    return str(sequence) if sequence is not None else "head"
