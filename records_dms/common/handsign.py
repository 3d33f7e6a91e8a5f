"""Hand signatures drawn on the signature pad (or given to the CLI as a PNG): checked and kept
under their SHA-256. Shared by lending (borrowers, receivers, handovers) and retention
(destruction witnesses, 监销人); each app keeps its own rows naming who signed as what."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

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


@dataclass(frozen=True)
class StoredImage:
    key: str
    sha256: str


def signature_image_store(png: bytes) -> StoredImage:
    """Check the image and keep it under its SHA-256 (content-addressed, never overwritten)."""
    signature_check(png)
    digest = hashlib.sha256(png).hexdigest()
    key = f"signatures/{digest[:2]}/{digest}.png"
    if not default_storage.exists(key):
        key = default_storage.save(key, ContentFile(png))
    return StoredImage(key=key, sha256=digest)


def signature_image_bytes(key: str) -> bytes | None:
    """The stored image, or None when it is missing."""
    if not key or not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as handle:
        data: bytes = handle.read()
    return data


def signature_image_sha256(key: str) -> str | None:
    data = signature_image_bytes(key)
    return None if data is None else hashlib.sha256(data).hexdigest()
