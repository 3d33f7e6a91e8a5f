"""The checkout register: append an entry (chained, signed) and verify the whole register."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from records_dms.archive.services import User
from records_dms.audit.services import _operator
from records_dms.lending import signing
from records_dms.lending.models import (
    GENESIS_HASH,
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


def register_append(
    *,
    event: str,
    actor: User,
    loan: Loan | None = None,
    data: dict[str, Any] | None = None,
    signatures: Sequence[HandSignature] = (),
) -> RegisterEntry:
    """Append one entry inside the caller's transaction: hashed onto the last, then signed."""
    payload = dict(data or {})
    if signatures:
        payload["signatures"] = [signature_facts(s) for s in signatures]
    # The hash must cover what the database will return, so normalise through JSON first.
    payload = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
    with transaction.atomic():
        head, _created = RegisterHead.objects.select_for_update().get_or_create(id=1)
        user = actor if actor is not None and actor.is_authenticated else None
        entry = RegisterEntry(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            event=event,
            loan=loan,
            actor_id=user.pk if user is not None else None,
            actor_name=user.get_username() if user is not None else _operator.get(),
            data=payload,
            previous_hash=head.last_hash,
            key_id=signing.key_id_of(signing.signing_key().public_key()),
        )
        entry.hash = entry.compute_hash()
        entry.key_id, entry.signature = signing.sign(entry.hash.encode("ascii"))
        entry.save(force_insert=True)
        RegisterHead.objects.filter(id=1).update(last_sequence=entry.sequence, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class RegisterFinding:
    sequence: int | None
    problem: str


def _image_sha256(key: str) -> str | None:
    if not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def register_verify() -> list[RegisterFinding]:
    """Chain, hashes, server signatures and hand-signature images of every entry."""
    findings: list[RegisterFinding] = []
    keys: dict[str, Any] | None = None  # loaded at the first entry: no key is made for none
    previous_hash, expected, last = GENESIS_HASH, 1, 0
    for entry in RegisterEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        seq = entry.sequence
        if seq != expected:
            findings.append(RegisterFinding(seq, f"expected entry #{expected} here"))
        if entry.previous_hash != previous_hash:
            findings.append(RegisterFinding(seq, "previous hash does not match the entry before"))
        if entry.compute_hash() != entry.hash:
            findings.append(RegisterFinding(seq, "content does not match its hash"))
        keys = keys if keys is not None else signing.trusted_keys()
        key = keys.get(entry.key_id)
        if key is None:
            findings.append(RegisterFinding(seq, "signed by a key that is not trusted"))
        elif not signing.signature_valid(key, entry.hash.encode("ascii"), entry.signature):
            findings.append(RegisterFinding(seq, "server signature does not verify"))
        for signature in entry.data.get("signatures", []):
            if _image_sha256(str(signature.get("key", ""))) != signature.get("sha256"):
                findings.append(
                    RegisterFinding(
                        seq, f"signature image of {signature.get('signer')} is missing or changed"
                    )
                )
        previous_hash, expected, last = entry.hash, seq + 1, seq
    head = RegisterHead.objects.filter(id=1).first()
    if head is not None and (head.last_sequence, head.last_hash) != (last, previous_hash):
        findings.append(RegisterFinding(None, "entries are missing after the last one found"))
    return findings
