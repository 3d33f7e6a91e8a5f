"""Hand signatures of the checkout register: the image checks and storage are shared
(records_dms.common.handsign); a HandSignature row names who signed as what."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from records_dms.audit.services import audit_log
from records_dms.common.handsign import (
    png_from_data_url,
    signature_check,
    signature_image_bytes,
    signature_image_store,
)
from records_dms.lending import events
from records_dms.lending.models import HandSignature, RegisterEntry
from records_dms.lending.permissions import may_see_signatures

__all__ = [
    "png_from_data_url",
    "signature_bytes",
    "signature_check",
    "signature_store",
    "signature_view",
]


def signature_store(*, png: bytes, signer: Any, role: str) -> HandSignature:
    """Keep the image under its SHA-256 (content-addressed, never overwritten)."""
    image = signature_image_store(png)
    return HandSignature.objects.create(
        signer=signer, role=role, image_key=image.key, sha256=image.sha256
    )


def signature_bytes(signature: dict[str, Any] | HandSignature) -> bytes | None:
    key = signature.image_key if isinstance(signature, HandSignature) else signature.get("key")
    return signature_image_bytes(str(key or ""))


def signature_view(*, entry: RegisterEntry, sha256: str, actor: Any) -> bytes | None:
    """The image of a signature given in ``entry``; the viewing is an audited read naming the
    entry, its loan, the signer and the viewer. None: the entry holds no such signature, or
    its image is gone."""
    if not may_see_signatures(actor):
        raise PermissionDenied
    given = [s for s in entry.data.get("signatures", []) if s.get("sha256") == sha256]
    stored = HandSignature.objects.filter(sha256=sha256).first()
    data = signature_bytes(stored) if given and stored else None
    if data is None:
        return None
    loan = entry.loan if entry.loan_id else None
    audit_log(
        action=events.SIGNATURE_VIEWED,
        actor=actor,
        obj=loan,
        data={
            "entry": entry.sequence,
            "loan": loan.number if loan else "",
            "signer": given[0].get("signer", ""),
            "role": given[0].get("role", ""),
            "sha256": sha256,
        },
    )
    return data
