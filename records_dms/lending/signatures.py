"""Hand signatures of the checkout register: the image checks and storage are shared
(records_dms.common.handsign); a HandSignature row names who signed as what."""

from __future__ import annotations

from typing import Any

from records_dms.common.handsign import (
    png_from_data_url,
    signature_check,
    signature_image_bytes,
    signature_image_store,
)
from records_dms.lending.models import HandSignature

__all__ = ["png_from_data_url", "signature_bytes", "signature_check", "signature_store"]


def signature_store(*, png: bytes, signer: Any, role: str) -> HandSignature:
    """Keep the image under its SHA-256 (content-addressed, never overwritten)."""
    image = signature_image_store(png)
    return HandSignature.objects.create(
        signer=signer, role=role, image_key=image.key, sha256=image.sha256
    )


def signature_bytes(signature: dict[str, Any] | HandSignature) -> bytes | None:
    key = signature.image_key if isinstance(signature, HandSignature) else signature.get("key")
    return signature_image_bytes(str(key or ""))
