"""Seals of destruction lists and certificates: each event that changes one carries a digest
of its fields (``records_dms.common.chain.seal``), and ``dms verify`` recomputes it from the
rows as they are now, so a reference, a SHA-256, an approval or a certificate's number or date
changed (or a row deleted) behind the services' back is found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from records_dms.audit.services import audit_seals
from records_dms.common.chain import seal, seal_diff
from records_dms.common.handsign import signature_image_sha256
from retention.models import (
    DestructionApproval,
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    DestructionWitness,
)

REQUEST = "destruction_request"
CERTIFICATE = "destruction_certificate"

REQUEST_FIELDS = (
    "number",
    "state",
    "reason",
    "proposed_by_id",
    "approvals_required",
    "rejected_by_id",
    "executed_by_id",
    "method",
    "paper_method",
    "witness",
)
# What an item keeps of its record from the proposal on; its state moves during execution.
ITEM_FIELDS = (
    "record_id",
    "reference",
    "record_type",
    "title",
    "document_date",
    "due_date",
    "sha256",
    "original_key",
    "rendition_key",
    "paper",
)
# Added for the destruction inventory: sealed only when filled, so that lists sealed before
# they existed still verify.
ITEM_INVENTORY_FIELDS = ("pages", "retention_period")
APPROVAL_FIELDS = ("approver_id", "proposer_id", "approved_at")
WITNESS_FIELDS = ("position", "user_id", "name", "unit", "image_key", "sha256", "signed_at")
CERTIFICATE_FIELDS = ("number", "request_id", "pdf_key", "sha256", "issued_at")


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: None if value is None else str(value) for key, value in row.items()}


def request_content(request_id: int) -> dict[str, Any] | None:
    """A list's fields, each item and each approval, read from the database now."""
    row = DestructionRequest.objects.filter(pk=request_id).values(*REQUEST_FIELDS).first()
    if row is None:
        return None
    content = _plain(row)
    for item in DestructionItem.objects.filter(request_id=request_id).values(
        "pk", *ITEM_FIELDS, *ITEM_INVENTORY_FIELDS
    ):
        for field in ITEM_INVENTORY_FIELDS:
            if item[field] in (None, ""):
                del item[field]
        content[f"item {item.pop('pk')}"] = _plain(item)
    for approval in DestructionApproval.objects.filter(request_id=request_id).values(
        "pk", *APPROVAL_FIELDS
    ):
        content[f"approval {approval.pop('pk')}"] = _plain(approval)
    for witness in DestructionWitness.objects.filter(request_id=request_id).values(
        "pk", *WITNESS_FIELDS
    ):
        content[f"witness {witness.pop('pk')}"] = _plain(witness)
    return content


def certificate_content(certificate_id: int) -> dict[str, Any] | None:
    row = (
        DestructionCertificate.objects.filter(pk=certificate_id).values(*CERTIFICATE_FIELDS).first()
    )
    return None if row is None else _plain(row)


def request_seal(request: DestructionRequest) -> dict[str, Any]:
    return seal(REQUEST, request.pk, request.number, request_content(request.pk) or {})


def certificate_seal(certificate: DestructionCertificate) -> dict[str, Any]:
    return seal(
        CERTIFICATE, certificate.pk, certificate.number, certificate_content(certificate.pk) or {}
    )


@dataclass(frozen=True)
class SealProblem:
    subject: str
    problem: str


def destruction_seals_verify() -> list[SealProblem]:
    """Every sealed list and certificate is still as the newest audit event sealed it."""
    problems: list[SealProblem] = []
    for kind, label, content_of in (
        (REQUEST, "destruction request", request_content),
        (CERTIFICATE, "certificate", certificate_content),
    ):
        for obj_id, sealed in audit_seals(kind).items():
            subject = f"{label} {sealed.get('name', obj_id)}"
            content = content_of(int(obj_id))
            if content is None:
                problems.append(SealProblem(subject, "deleted"))
                continue
            problems += [
                SealProblem(subject, problem) for problem in seal_diff(sealed["fields"], content)
            ]
    return problems + witness_images_verify()


def witness_images_verify() -> list[SealProblem]:
    """Each witness's signature image is still the one whose SHA-256 the list sealed."""
    problems = []
    for witness in DestructionWitness.objects.select_related("request"):
        if signature_image_sha256(witness.image_key) != witness.sha256:
            problems.append(
                SealProblem(
                    f"destruction request {witness.request.number}",
                    f"witness {witness.pk} ({witness.name}): the signature image is missing "
                    "or changed",
                )
            )
    return problems
