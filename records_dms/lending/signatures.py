"""Hand signatures: a PNG drawn on the signature pad (or given to the CLI), checked and stored."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from records_dms.audit.services import audit_log
from records_dms.lending import events
from records_dms.lending.models import HandSignature, RegisterEntry
from records_dms.lending.permissions import may_see_signatures

MAX_BYTES = 512 * 1024
MAX_SIDE = 3000
MIN_INK_PIXELS = 30  # a few strokes; a blank pad has none


def png_from_data_url(value: str) -> bytes:
    """The bytes of a ``data:image/png;base64,...`` URL as canvas.toDataURL() makes it."""
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise ValidationError(_("Please sign on the pad."))
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("The signature could not be read.")) from error


def _ink_pixels(image: Image.Image) -> int:
    """Pixels that are drawn: opaque and dark enough to see on paper."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda a: 255 if a > 128 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 160 else 0)
    both = Image.composite(dark, Image.new("L", rgba.size, 0), alpha)
    histogram = both.histogram()
    return histogram[255]


def signature_check(png: bytes) -> tuple[int, int]:
    """Refuse anything but a modest PNG with some ink on it; return its size."""
    if len(png) > MAX_BYTES:
        raise ValidationError(_("The signature image is too large."))
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG":
                raise ValidationError(_("A signature must be a PNG image."))
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(_("The signature image is too large."))
            image.load()
            if _ink_pixels(image) < MIN_INK_PIXELS:
                raise ValidationError(_("The signature is empty: please sign on the pad."))
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("A signature must be a PNG image.")) from error
    return width, height


def signature_store(*, png: bytes, signer: Any, role: str) -> HandSignature:
    """Keep the image under its SHA-256 (content-addressed, never overwritten)."""
    signature_check(png)
    digest = hashlib.sha256(png).hexdigest()
    key = f"signatures/{digest[:2]}/{digest}.png"
    if not default_storage.exists(key):
        key = default_storage.save(key, ContentFile(png))
    return HandSignature.objects.create(signer=signer, role=role, image_key=key, sha256=digest)


def signature_bytes(signature: dict[str, Any] | HandSignature) -> bytes | None:
    key = signature.image_key if isinstance(signature, HandSignature) else signature.get("key")
    if not key or not default_storage.exists(str(key)):
        return None
    with default_storage.open(str(key), "rb") as handle:
        data: bytes = handle.read()
    return data


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
