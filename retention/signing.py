"""The organisation's signing key: from configuration, else a self-signed one made on first use."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from records_dms.common.keyfiles import kept_files


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path


def signing_files() -> SigningFiles:
    """The configured key and certificate, generating the embedded default if they are missing."""
    key = Path(settings.RETENTION.signing_key or Path(settings.DATA_DIR) / "signing" / "key.pem")
    cert = Path(settings.RETENTION.signing_cert or Path(settings.DATA_DIR) / "signing" / "cert.pem")
    if not (key.exists() and cert.exists()):
        if settings.RETENTION.signing_key or settings.RETENTION.signing_cert:
            raise FileNotFoundError(f"signing key or certificate missing: {key}, {cert}")
        kept_files([key, cert], lambda: _generate(key, cert))
    return SigningFiles(key=key, cert=cert)


def _generate(key_path: Path, cert_path: Path) -> dict[Path, bytes]:
    """A new key and its self-signed certificate, as the files' bytes."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.RETENTION.organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, "records-dms destruction certificates"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {key_path: pem, cert_path: cert.public_bytes(serialization.Encoding.PEM)}


def pdf_sign(pdf: bytes) -> bytes:
    """Sign a PDF (PAdES baseline B, SHA-256) with the organisation's key."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    files = signing_files()
    signer = signers.SimpleSigner.load(str(files.key), str(files.cert))
    if signer is None:
        raise RuntimeError("the signing key could not be loaded")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="DestructionCertificate",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Certificate of destruction",
        location=settings.RETENTION.organisation,
    )
    signed = signers.sign_pdf(writer, meta, signer=signer)
    return signed.getvalue()


def pdf_signature_problem(pdf: bytes) -> str:
    """Empty if the PDF carries one intact signature by our key over the whole file."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    cert_bytes = signing_files().cert.read_bytes()
    _type, _headers, der = pem.unarmor(cert_bytes)
    root = x509.Certificate.load(der)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return f"expected one signature, found {len(signatures)}"
        status = validate_pdf_signature(
            signatures[0], ValidationContext(trust_roots=[root], allow_fetching=False)
        )
    except Exception as error:  # pyHanko raises many kinds of errors on a damaged file
        return f"signature cannot be read: {type(error).__name__}: {error}"
    if not status.intact or not status.valid:
        return "signature does not match the document"
    if not status.trusted:
        return "signed by a key other than the organisation's"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return "the document was changed after it was signed"
    return ""
