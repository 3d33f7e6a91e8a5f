"""The certificate of destruction filed as a permanent record of the archive's own dossier.

The archive keeps its own evidence like any other record: each certificate's signed PDF is
also a ``destruction_certificate`` record of the customer ``settings.RETENTION.archive_own_code``
(created on first use), on the keep-permanently schedule, and no destruction request may ever
list it (a destruction blocker says so, whatever the schedules say).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records_dms.accounts.roles import LEVEL_ORDER, Confidentiality
from records_dms.archive.models import Customer, Record, RecordType
from records_dms.archive.services import User, customer_create, record_create, record_pages_set
from records_dms.audit.services import audit_log
from retention import events
from retention.models import DestructionCertificate, DestructionRequest

# The record type's label lives in the archive; its translation is retention's.
RECORD_TYPE_LABEL = gettext_lazy("Certificate of destruction")


def archive_own_customer(actor: User = None) -> Customer:
    """The archive's own dossier (客户编号 ``DMS_ARCHIVE_OWN_CODE``), opened on first use."""
    code = settings.RETENTION.archive_own_code.strip().upper()
    found = Customer.objects.filter(code=code).first()
    if found is not None:
        return found
    return customer_create(code=code, name=settings.RETENTION.archive_own_name, actor=actor)


def certificate_file(certificate: DestructionCertificate, actor: User = None) -> Record:
    """File the certificate's PDF as a record (once; safe to repeat)."""
    if certificate.record_id is not None:
        return certificate.record  # type: ignore[return-value]
    with transaction.atomic():
        certificate = DestructionCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.record_id is not None:
            return certificate.record  # type: ignore[return-value]
        request = certificate.request
        record = record_create(
            customer=archive_own_customer(actor),
            type=RecordType.DESTRUCTION_CERTIFICATE,
            title=f"销毁记录 Certificate of destruction {certificate.number} ({request.number})",
            document_date=timezone.localdate(certificate.issued_at),
            confidentiality=_highest_level(request),
            actor=actor,
            original={
                "key": certificate.pdf_key,
                "name": f"{certificate.number}.pdf",
                "mime_type": "application/pdf",
                "size": _size(certificate),
                "sha256": certificate.sha256,
            },
        )
        record = record_pages_set(record=record, pages=[], actor=actor)
        certificate.record = record
        certificate.save(update_fields=["record"])
        audit_log(
            action=events.CERTIFICATE_FILED,
            actor=actor,
            obj=certificate,
            customer_code=record.customer.code,
            data={"certificate": certificate.number, "record": record.reference},
        )
    return record


def _highest_level(request: DestructionRequest) -> str:
    """The certificate names every item of its request: it is as confidential as the most
    confidential of them, so nobody reads through it what they could not read itself."""
    levels = set(request.items.values_list("record__confidentiality", flat=True))
    order = [str(level) for level in LEVEL_ORDER]
    return max(levels, key=order.index, default=str(Confidentiality.INTERNAL))


def _size(certificate: DestructionCertificate) -> int:
    from django.core.files.storage import default_storage

    return int(default_storage.size(certificate.pdf_key))


def certificates_file_missing() -> int:
    """File every certificate issued before certificates were filed as records."""
    count = 0
    for certificate in DestructionCertificate.objects.filter(record__isnull=True).select_related(
        "request__executed_by"
    ):
        certificate_file(certificate, certificate.request.executed_by)
        count += 1
    return count


def permanent_blocker(records: Sequence[Record]) -> Mapping[int, str]:
    """The destruction blocker: certificates of destruction are never destroyed."""
    return {
        record.pk: _("a certificate of destruction is kept permanently")
        for record in records
        if record.type == RecordType.DESTRUCTION_CERTIFICATE
    }
