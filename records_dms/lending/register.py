"""The checkout register: append an entry (chained, signed) and verify the whole register."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from records_dms.archive.services import User
from records_dms.audit.services import _operator
from records_dms.common import signing
from records_dms.common.chain import (
    ChainFinding,
    Checkpoint,
    HashChain,
    normalised,
    seal,
    seal_diff,
)
from records_dms.lending.models import (
    HandSignature,
    Loan,
    RegisterEntry,
    RegisterHead,
)


def signature_facts(signature: HandSignature) -> dict[str, Any]:
    """What an entry keeps of a hand signature: who, as what, and the image's SHA-256."""
    return {
        "role": signature.role,
        "signer": signature.signer.get_username(),
        "sha256": signature.sha256,
        "key": signature.image_key,
    }


REGISTER_CHAIN = HashChain(
    name="register", noun="entries", entry=RegisterEntry, head=RegisterHead, sign_entries=True
)
LOAN_SEAL = "loan"


def loan_content(loan: Loan) -> dict[str, Any]:
    """What the register seals of a loan: who borrows what, until when, in which state."""
    content: dict[str, Any] = {
        "number": loan.number,
        "borrower": loan.borrower_id,
        "purpose": loan.purpose,
        "due_on": str(loan.due_on),
        "level": loan.level,
        "state": loan.state,
        "decided_by": loan.decided_by_id,
        "checked_out_by": loan.checked_out_by_id,
        "received_by": loan.received_by_id,
    }
    for item_id, record_id, kind in loan.items.order_by("pk").values_list(
        "pk", "record_id", "kind"
    ):
        content[f"item {item_id}"] = {"record": record_id, "kind": kind}
    return content


def register_append(
    *,
    event: str,
    actor: User | None,
    loan: Loan | None = None,
    data: dict[str, Any] | None = None,
    signatures: Sequence[HandSignature] = (),
) -> RegisterEntry:
    """Append one entry inside the caller's transaction: hashed onto the last, then signed.

    An entry about a loan carries the loan's seal (its fields as they are after the change),
    so ``dms verify`` finds a due date, borrower or item changed behind the register's back.
    """
    payload = dict(data or {})
    if signatures:
        payload["signatures"] = [signature_facts(s) for s in signatures]
    if loan is not None:
        payload["seal"] = seal(LOAN_SEAL, loan.pk, loan.number, loan_content(loan))
    # The hash must cover what the database will return, so normalise through JSON first.
    payload = normalised(payload)
    user = actor if actor is not None and actor.is_authenticated else None
    key_id = signing.key_id_of(signing.signing_key().public_key())

    def build(sequence: int, previous_hash: str) -> RegisterEntry:
        return RegisterEntry(
            sequence=sequence,
            occurred_at=timezone.now(),
            event=event,
            loan=loan,
            actor_id=user.pk if user is not None else None,
            actor_name=user.get_username() if user is not None else _operator.get(),
            data=payload,
            previous_hash=previous_hash,
            key_id=key_id,
        )

    entry: RegisterEntry = REGISTER_CHAIN.append(build)
    return entry


RegisterFinding = ChainFinding


def _image_sha256(key: str) -> str | None:
    if not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _signature_images(entry: RegisterEntry) -> list[str]:
    return [
        f"signature image of {signature.get('signer')} is missing or changed"
        for signature in entry.data.get("signatures", [])
        if _image_sha256(str(signature.get("key", ""))) != signature.get("sha256")
    ]


def register_verify(checkpoints: Iterable[Checkpoint] = ()) -> list[ChainFinding]:
    """Chain, hashes, server signatures, the signed head, checkpoints and hand-signature
    images of every entry."""
    return REGISTER_CHAIN.verify(checkpoints=checkpoints, entry_check=_signature_images)


@dataclass(frozen=True)
class LoanFinding:
    loan: str
    problem: str


def loans_verify() -> list[LoanFinding]:
    """Every loan the register sealed is still as its newest entry says."""
    newest: dict[int, dict[str, Any]] = {}
    entries = RegisterEntry.objects.filter(data__has_key="seal").order_by("sequence")
    for data in entries.values_list("data", flat=True).iterator(chunk_size=2000):
        sealed = data.get("seal") or {}
        if sealed.get("kind") == LOAN_SEAL:
            newest[int(sealed["id"])] = sealed
    loans = Loan.objects.in_bulk(list(newest))
    findings = []
    for loan_id, sealed in sorted(newest.items()):
        loan = loans.get(loan_id)
        if loan is None:
            findings.append(LoanFinding(sealed["name"], "the loan has been deleted"))
            continue
        for problem in seal_diff(sealed["fields"], loan_content(loan)):
            findings.append(LoanFinding(sealed["name"], problem))
    return findings
