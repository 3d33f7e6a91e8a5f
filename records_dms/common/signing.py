"""The server's Ed25519 key: it signs every register entry and the head of each hash chain.

Scale-out: the private key comes from the environment (``DMS_REGISTER_KEY``, PEM). Embedded
default: a key generated once into the data dir (``register-ed25519.pem``, mode 0600). Old
public keys stay trusted for verification when listed in ``DMS_REGISTER_TRUSTED_KEYS``.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings

from records_dms.common.keyfiles import kept_secret

KEY_FILE_NAME = "register-ed25519.pem"


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    """A short name of a public key, stored with each entry it signed."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


@lru_cache(maxsize=8)
def _load_pem(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("DMS_REGISTER_KEY is not an Ed25519 private key")
    return key


def _generated_key_pem(data_dir: Path) -> bytes:
    def make() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    return kept_secret(data_dir / KEY_FILE_NAME, make)


def signing_key() -> Ed25519PrivateKey:
    pem = settings.LENDING.register_key.encode() if settings.LENDING.register_key else None
    return _load_pem(pem or _generated_key_pem(Path(settings.DATA_DIR)))


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """key id → public key: the current key and any listed in DMS_REGISTER_TRUSTED_KEYS."""
    current = signing_key().public_key()
    keys = {key_id_of(current): current}
    for hex_key in settings.LENDING.register_trusted_keys:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))
        keys[key_id_of(public)] = public
    return keys


def public_key_hex() -> str:
    return _raw_public(signing_key().public_key()).hex()


def sign(message: bytes) -> tuple[str, str]:
    """(key id, hex signature) of ``message``."""
    key = signing_key()
    return key_id_of(key.public_key()), key.sign(message).hex()


def signature_valid(key: Ed25519PublicKey, message: bytes, signature_hex: str) -> bool:
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
