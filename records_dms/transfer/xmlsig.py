"""XML as DA/T 48 packages it: elements with safe text, the 电子签名块, and hostile-safe reading.

Written with ``xml.etree``; read with ``defusedxml`` (no DTD, no entities, no external
references). The signature covers the Canonical XML 2.0 form of ``被签名对象`` (xml.etree's
``canonicalize``), so any change to it, whitespace inside included, breaks the signature.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from records_dms.common import signing

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
SIGNATURE_RULE = "Ed25519 over the Canonical XML 2.0 form of 被签名对象"
BASE64 = "base64"
# Text XML 1.0 cannot carry (control characters), or that a parser would change (a carriage
# return becomes a line feed): such text is stored base64-encoded, marked 编码="base64".
_NOT_XML_SAFE = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")


class PackageError(Exception):
    """A package or transfer list that cannot be received; the message says why."""


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child element; text XML cannot hold as it is goes base64-encoded."""
    element = ET.SubElement(parent, tag, attrib)
    if text:
        if _NOT_XML_SAFE.search(text):
            element.set("编码", BASE64)
            text = base64.b64encode(text.encode("utf-8")).decode("ascii")
        element.text = text
    return element


def text_of(element: ET.Element) -> str:
    raw = element.text or ""
    if element.get("编码") == BASE64:
        try:
            return base64.b64decode(raw, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as error:
            raise PackageError(f"{element.tag}: not valid base64 text") from error
    return raw


def need(parent: ET.Element, path: str) -> ET.Element:
    """The element at ``path``, or a PackageError naming what is missing."""
    found = parent.find(path)
    if found is None:
        raise PackageError(f"{path} is missing under {parent.tag}")
    return found


def need_text(parent: ET.Element, path: str) -> str:
    return text_of(need(parent, path))


def signed_bytes(element: ET.Element) -> bytes:
    """The canonical form of an element (its tail, outside it, left out)."""
    tail, element.tail = element.tail, None
    try:
        text = ET.tostring(element, encoding="unicode")
    finally:
        element.tail = tail
    return ET.canonicalize(text).encode("utf-8")


def sign_and_serialise(root: ET.Element, signed: ET.Element, *, signer: str, when: str) -> bytes:
    """Append the 电子签名块 signing ``signed`` with the server's Ed25519 key; the whole
    document as UTF-8 bytes."""
    block = sub(root, "电子签名块")
    signature = sub(block, "电子签名", 签名ID="签名1")
    sub(signature, "签名规则", SIGNATURE_RULE)
    sub(signature, "签名时间", when)
    sub(signature, "签名人", signer)
    result = sub(signature, "签名结果")
    sub(sub(signature, "证书块"), "证书", signing.public_key_hex())
    reference = sub(signature, "证书引证")
    sub(signature, "签名算法标识", "Ed25519")
    ET.indent(root)
    key_id, signature_hex = signing.sign(signed_bytes(signed))
    result.text = base64.b64encode(bytes.fromhex(signature_hex)).decode("ascii")
    reference.text = key_id
    return XML_DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def parse(path: Path, root_tag: str) -> ET.Element:
    """Read a package or transfer list, refusing DTDs, entities and broken XML."""
    try:
        root = SafeET.parse(str(path), forbid_dtd=True).getroot()
    except ET.ParseError as error:
        raise PackageError(f"not well-formed XML (cut short or damaged?): {error}") from error
    except DefusedXmlException as error:
        raise PackageError(f"refused XML construct: {error!r}") from error
    if root.tag != root_tag:
        raise PackageError(f"the root element is {root.tag}, not {root_tag}")
    return root


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signature_check(root: ET.Element, trusted: dict[str, Ed25519PublicKey]) -> str:
    """Check the 电子签名块 over 被签名对象; the signer's key id. A PackageError says why
    not: a signature that does not match the content, or a key this archive does not trust."""
    signed = need(root, "被签名对象")
    signature = need(root, "电子签名块/电子签名")
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(need_text(signature, "证书块/证书")))
        value = base64.b64decode(need_text(signature, "签名结果"), validate=True)
    except ValueError as error:
        raise PackageError("the 电子签名块 is damaged") from error
    if not signing.signature_valid(key, signed_bytes(signed), value.hex()):
        raise PackageError("its signature does not match its content (altered after signing)")
    key_id = signing.key_id_of(key)
    known = trusted.get(key_id)
    if known is None or _raw(known) != _raw(key):
        raise PackageError(
            f"it is signed by key {key_id}, which this archive does not trust "
            "(DMS_REGISTER_TRUSTED_KEYS, or --trust-key with the sender's public key)"
        )
    return key_id


def trusted_keys(extra_hex: list[str]) -> dict[str, Ed25519PublicKey]:
    """This archive's trusted keys plus the sender keys named for this import."""
    keys = signing.trusted_keys()
    for hex_key in extra_hex:
        try:
            public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key.strip()))
        except ValueError as error:
            raise PackageError(f"not an Ed25519 public key in hex: {hex_key!r}") from error
        keys[signing.key_id_of(public)] = public
    return keys
