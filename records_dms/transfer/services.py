"""Sending records out (移交): one signed EEP package per 件, the 移交清单, the register entry.

Receiving them is in receive.py. Both are audited: the transfer as one event, and every record
that left as a read of it (查阅登记).
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, RecordType
from records_dms.archive.services import record_access_log
from records_dms.audit.services import audit_log
from records_dms.common.signing import key_id_of, signing_key
from records_dms.transfer import events
from records_dms.transfer.eep import CustomerInfo, Item, PageText, package_build
from records_dms.transfer.manifest import (
    MANIFEST_PDF,
    MANIFEST_XML,
    PACKAGES_DIR,
    Manifest,
    PackageLine,
    manifest_build,
    manifest_pdf,
)
from records_dms.transfer.models import Direction, TransferEntry
from records_dms.transfer.permissions import EXPORT_TRANSFER
from records_dms.transfer.selectors import attachments_of, transfer_records

DEFAULT_UNIT = "records-dms"


@dataclass(frozen=True)
class Scope:
    customer_code: str | None = None
    year: int | None = None

    def label(self) -> str:
        if self.customer_code:
            return f"客户 {self.customer_code.strip().upper()}"
        return f"年度 {self.year}"


def retention_label(record: Any) -> str:
    """保管期限 as the standard writes it: 永久, 定期N年, or 未定 (not yet scheduled)."""
    state = getattr(record, "retention", None)
    schedule = getattr(state, "schedule", None)
    if state is not None and state.keep_permanently:
        return "永久"
    if schedule is None:
        return "未定"
    if schedule.disposition == "keep_permanently":
        return "永久"
    if schedule.period_years and not (schedule.period_months or schedule.period_days):
        return f"定期{schedule.period_years}年"
    return f"定期{schedule.period_years}年{schedule.period_months}月{schedule.period_days}日"


def _original_bytes(record: Record) -> bytes | None:
    if not record.original_key:
        return None
    with default_storage.open(record.original_key, "rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise ValidationError(
            _("%(reference)s: the stored original does not match its SHA-256; it is not sent.")
            % {"reference": record.reference}
        )
    return data


def record_item(record: Record, *, user: Any) -> Item:
    """A record (and its attachments) as a package carries it."""
    customer = record.customer
    sender = record.email_headers.get("from") if isinstance(record.email_headers, dict) else None
    return Item(
        reference=record.reference,
        type=record.type,
        type_name=str(RecordType(record.type).label),
        title=record.title,
        document_date=record.document_date,
        received_date=record.received_date,
        channel=record.channel,
        confidentiality=record.confidentiality,
        language=record.language,
        physical_location=record.physical_location,
        creator=str(sender or customer.name),
        retention=retention_label(record),
        customer=CustomerInfo(
            customer.code,
            customer.name,
            customer.kind,
            customer.industry,
            customer.region,
            customer.grade,
            customer.contacts,
        ),
        original_name=record.original_name,
        mime_type=record.mime_type,
        size=record.size if record.original_key else 0,
        sha256=record.sha256,
        page_count=record.page_count,
        email_headers=dict(record.email_headers or {}),
        pages=[PageText(p.number, p.text, p.source, p.confidence) for p in record.pages.all()],
        children=[record_item(child, user=user) for child in attachments_of(record, user=user)],
        data=_original_bytes(record),
    )


def _target_ready(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValidationError(
            _("%(path)s is not an empty folder; a transfer goes into a new one.") % {"path": target}
        )
    (target / PACKAGES_DIR).mkdir(parents=True, exist_ok=True)


def _write_packages(
    records: list[Record], manifest: Manifest, target: Path, *, user: Any
) -> list[Item]:
    when = datetime.datetime.fromisoformat(manifest.created)
    items = []
    for record in records:
        item = record_item(record, user=user)
        data = package_build(item, unit=manifest.unit, number=manifest.number, when=when)
        name = f"{PACKAGES_DIR}/{record.reference}.xml"
        (target / name).write_bytes(data)
        manifest.lines.append(
            PackageLine(
                file=name,
                reference=record.reference,
                title=record.title,
                records=item.count(),
                pages=item.page_total(),
                bytes=item.byte_total(),
                package_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        item.data = None  # the bytes are written; keep only what the audit needs
        items.append(item)
    return items


def transfer_export(
    *, actor: Any, target: Path, scope: Scope, unit: str = DEFAULT_UNIT
) -> TransferEntry:
    """Write the transfer of a customer's dossier or of a year's records into ``target`` (a
    new or empty folder): packages/<档号>.xml, 移交清单.xml and 移交清单.pdf; enter it in the
    transfer register and the audit trail. ``actor`` None is the operator at the machine."""
    if actor is not None:
        policy.require(actor, EXPORT_TRANSFER)
    if bool(scope.customer_code) == bool(scope.year):
        raise ValidationError(_("Transfer either one customer's dossier or one year's records."))
    records = transfer_records(user=actor, customer_code=scope.customer_code, year=scope.year)
    if not records:
        raise ValidationError(_("Nothing to transfer in %(scope)s.") % {"scope": scope.label()})
    target = Path(target)
    _target_ready(target)
    now = timezone.localtime()
    manifest = Manifest(
        number=f"YJ-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        created=now.isoformat(timespec="seconds"),
        unit=unit,
        scope=scope.label(),
    )
    try:
        items = _write_packages(records, manifest, target, user=actor)
        listing = manifest_build(manifest)
        (target / MANIFEST_XML).write_bytes(listing)
        (target / MANIFEST_PDF).write_bytes(manifest_pdf(manifest))
        with transaction.atomic():
            entry = register_entry(
                manifest,
                listing,
                target,
                actor=actor,
                direction=Direction.EXPORT,
                signer_key=key_id_of(signing_key().public_key()),
            )
            sent = {r.reference: r for r in _with_attachments(records, actor)}
            for item in (i for top in items for i in top.every()):
                record_access_log(
                    record=sent[item.reference],
                    actor=actor,
                    action=events.RECORD_EXPORTED,
                    purpose=f"移交 {manifest.number}",
                )
    except BaseException:
        shutil.rmtree(target / PACKAGES_DIR, ignore_errors=True)
        for name in (MANIFEST_XML, MANIFEST_PDF):
            (target / name).unlink(missing_ok=True)
        raise
    return entry


def _with_attachments(records: list[Record], user: Any) -> list[Record]:
    found = []
    for record in records:
        found.append(record)
        found.extend(_with_attachments(attachments_of(record, user=user), user))
    return found


def register_entry(
    manifest: Manifest,
    listing: bytes,
    folder: Path,
    *,
    actor: Any,
    direction: str,
    signer_key: str,
) -> TransferEntry:
    """The register entry and its audit event (inside the caller's transaction)."""
    entry = TransferEntry.objects.create(
        number=manifest.number,
        direction=direction,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name="",
        scope=manifest.scope[:100],
        path=str(folder)[:500],
        digest=hashlib.sha256(listing).hexdigest(),
        packages=len(manifest.lines),
        records=manifest.records,
        pages=manifest.pages,
        bytes=manifest.bytes,
        signer_key=signer_key,
    )
    exported = direction == Direction.EXPORT
    event = audit_log(
        action=events.TRANSFER_EXPORTED if exported else events.TRANSFER_RECEIVED,
        actor=actor,
        obj=entry,
        data={
            "number": entry.number,
            "scope": entry.scope,
            "digest": entry.digest,
            "packages": entry.packages,
            "records": entry.records,
            "bytes": entry.bytes,
            "path": entry.path,
            "signer_key": signer_key,
        },
    )
    entry.actor_name = event.actor_name  # the user, or the CLI operator's name
    entry.save(update_fields=["actor_name"])
    return entry
