"""Receiving a transfer (接收): check everything first, then take it in whole or not at all.

Atomic per transfer: the 移交清单 is the unit of receipt (its counts and total bytes are
checked against every package), so one bad package refuses the whole transfer and nothing of
it is stored. Checks on receipt, in order: the list's signature (by a trusted key), every
listed package present and nothing unlisted, each package's size and SHA-256 as listed, each
package's structure and signature, each original's SHA-256 and size, page counts, then the
list's totals; then no 档号 or original already in this archive, no transfer received twice.
Receivers of ``transfer_received`` (events.py) run last, inside the same transaction.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from ingestion.originals import StoredOriginal, original_discard, original_key, original_store
from records_dms.accounts.policy import policy
from records_dms.archive.events import records_changed
from records_dms.archive.models import Counter, Customer, Page, Record, RecordState
from records_dms.archive.references import DAT22
from records_dms.archive.services import customer_create
from records_dms.archive.triggers import record_triggers_changed
from records_dms.audit.services import audit_log
from records_dms.transfer import events
from records_dms.transfer.eep import ROOT as PACKAGE_ROOT
from records_dms.transfer.eep import Item, package_item
from records_dms.transfer.manifest import MANIFEST_XML, PACKAGES_DIR, Manifest, manifest_read
from records_dms.transfer.manifest import ROOT as MANIFEST_ROOT
from records_dms.transfer.models import Direction, TransferEntry
from records_dms.transfer.permissions import IMPORT_TRANSFER
from records_dms.transfer.services import register_entry
from records_dms.transfer.xmlsig import PackageError, parse, signature_check, trusted_keys


class TransferRefused(ValidationError):
    """A transfer not received; the message names the package (or list) and the reason."""


@contextmanager
def _spool_folder() -> Iterator[Path]:
    root = Path(settings.DATA_DIR) / "spool"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="transfer-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _listing(source: Path, trusted: dict[str, Any]) -> tuple[Manifest, bytes, str]:
    path = source / MANIFEST_XML
    if not path.is_file():
        raise TransferRefused(f"{path}: no 移交清单 here; is this a transfer folder?")
    try:
        root = parse(path, MANIFEST_ROOT)
        key_id = signature_check(root, trusted)
        return manifest_read(root), path.read_bytes(), key_id
    except PackageError as error:
        raise TransferRefused(f"{MANIFEST_XML}: {error}") from error


def _package(source: Path, line: Any, trusted: dict[str, Any], spool: Path) -> Item:
    path = source / line.file
    data = path.read_bytes()
    if len(data) != line.package_bytes:
        raise PackageError(
            f"{len(data)} bytes, the 移交清单 says {line.package_bytes} (cut short or altered)"
        )
    if hashlib.sha256(data).hexdigest() != line.sha256:
        raise PackageError("its SHA-256 is not the one in the 移交清单 (altered)")
    root = parse(path, PACKAGE_ROOT)
    signature_check(root, trusted)

    def keep(content: bytes) -> Path:
        # A name of its own for every original of the transfer, across all packages.
        spooled = spool / uuid.uuid4().hex
        spooled.write_bytes(content)
        return spooled

    item = package_item(root, keep)
    if item.reference != line.reference:
        raise PackageError(f"it holds {item.reference}, the 移交清单 says {line.reference}")
    stated = (line.records, line.pages, line.bytes)
    found = (item.count(), item.page_total(), item.byte_total())
    if found != stated:
        raise PackageError(f"records, pages, bytes {found}; the 移交清单 says {stated}")
    return item


def _packages(source: Path, manifest: Manifest, trusted: dict[str, Any], spool: Path) -> list[Item]:
    listed = {line.file for line in manifest.lines}
    present = {f"{PACKAGES_DIR}/{p.name}" for p in (source / PACKAGES_DIR).glob("*") if p.is_file()}
    if missing := sorted(listed - present):
        raise TransferRefused(f"{missing[0]}: listed in the 移交清单 but missing")
    if extra := sorted(present - listed):
        raise TransferRefused(f"{extra[0]}: not in the 移交清单; refused")
    items = []
    for line in manifest.lines:
        try:
            items.append(_package(source, line, trusted, spool))
        except PackageError as error:
            raise TransferRefused(f"{line.file}: {error}") from error
    return items


def _conflicts(manifest: Manifest, listing: bytes, items: list[Item]) -> None:
    digest = hashlib.sha256(listing).hexdigest()
    earlier = TransferEntry.objects.filter(direction=Direction.IMPORT, digest=digest).first()
    if earlier is not None:
        raise TransferRefused(
            f"{MANIFEST_XML}: transfer {manifest.number} was already received "
            f"on {earlier.occurred_at:%Y-%m-%d %H:%M} (register entry {earlier.pk}); "
            "a transfer is received once"
        )
    every = [i for top in items for i in top.every()]
    taken = Record.objects.filter(reference__in=[i.reference for i in every])
    if first := taken.values_list("reference", flat=True).first():
        raise TransferRefused(f"{first}: this 档号 is already in this archive")
    live = Record.objects.exclude(state=RecordState.DESTROYED)
    for item in every:
        if item.sha256 and (same := live.filter(sha256=item.sha256).first()):
            raise TransferRefused(
                f"{item.reference}: its original is already filed here as {same.reference}"
            )


def _customer(item: Item, actor: Any) -> Customer:
    found = Customer.objects.filter(code=item.customer.code).first()
    if found is not None:  # the dossier exists here: the records join it
        return found
    info = item.customer
    return customer_create(
        code=info.code,
        name=info.name,
        actor=actor,
        kind=info.kind,
        industry=info.industry,
        region=info.region,
        grade=info.grade,
        contacts=info.contacts,
    )


def reference_reserve(reference: str, customer: Customer) -> None:
    """A received 档号 moves its series' counter past it, so the next record filed here does
    not get the same number: the customer form (CODE-TT-YYYY-NNNN) and DA/T 22's standard
    form (records_dms/archive/references.py) alike."""
    if DAT22.match(reference):
        prefix, number = reference.rsplit("-", 1)
        _counter_past(f"dat22:{prefix}", int(number))
        return
    code = f"{customer.code}-"
    if not reference.startswith(code):
        return
    parts = reference[len(code) :].split("-")
    if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()):
        return
    _counter_past(f"record:{customer.code}:{parts[0]}:{parts[1]}", int(parts[2]))


def _counter_past(key: str, number: int) -> None:
    counter, _created = Counter.objects.select_for_update().get_or_create(key=key)
    if counter.value < number:
        counter.value = number
        counter.save(update_fields=["value"])


def _record(item: Item, *, customer: Customer, parent: Record | None, actor: Any) -> Record:
    stored_key = original_key(item.sha256) if item.sha256 else ""
    record = Record(
        customer=customer,
        reference=item.reference,
        type=item.type,
        title=item.title,
        document_date=item.document_date,
        received_date=item.received_date,
        channel=item.channel,
        confidentiality=item.confidentiality,
        language=item.language,
        physical_location=item.physical_location,
        state=RecordState.FILED,
        parent=parent,
        original_key=stored_key,
        original_name=item.original_name,
        mime_type=item.mime_type,
        size=item.size,
        sha256=item.sha256,
        page_count=item.page_count,
        email_headers=item.email_headers,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        record.full_clean()
    except ValidationError as error:
        raise TransferRefused(f"{item.reference}: {'; '.join(error.messages)}") from error
    record.save()
    Page.objects.bulk_create(
        Page(record=record, number=p.number, text=p.text, source=p.source, confidence=p.confidence)
        for p in item.pages
    )
    reference_reserve(item.reference, customer)
    audit_log(
        action=events.RECORD_RECEIVED,
        actor=actor,
        obj=record,
        customer_code=customer.code,
        data={"reference": record.reference, "sha256": record.sha256, "pages": item.page_count},
    )
    return record


def _take_in(items: list[Item], actor: Any) -> list[Record]:
    made: list[Record] = []

    def add(item: Item, customer: Customer, parent: Record | None) -> None:
        record = _record(item, customer=customer, parent=parent, actor=actor)
        made.append(record)
        for child in item.children:
            add(child, customer, record)

    for item in items:
        add(item, _customer(item, actor), None)
    ids = [r.pk for r in made]
    record_triggers_changed(ids, actor=actor, reason=events.RECORD_RECEIVED)
    records_changed(ids, reason=events.RECORD_RECEIVED)
    return made


def _store_originals(items: list[Item]) -> list[StoredOriginal]:
    stored = []
    try:
        for item in (i for top in items for i in top.every()):
            if item.data_path is not None:
                stored.append(original_store(item.data_path, item.sha256))
    except BaseException:
        for original in stored:
            original_discard(original)
        raise
    return stored


def _checks_on_receipt(
    entry: TransferEntry, records: list[Record], manifest: Manifest, actor: Any
) -> None:
    """Whoever connected to transfer_received (the four-property check) may refuse."""
    try:
        events.transfer_received.send(
            sender=TransferEntry,
            entry=entry,
            records=records,
            actor=actor,
            expected={"records": manifest.records, "bytes": manifest.bytes},
        )
    except ValidationError as error:
        raise TransferRefused(
            f"{MANIFEST_XML}: refused by the checks on receipt: {'; '.join(error.messages)}"
        ) from error


def transfer_import(*, actor: Any, source: Path, trust: list[str] | None = None) -> TransferEntry:
    """Receive the transfer in ``source`` (a folder written by transfer_export) whole, or
    refuse it with a TransferRefused naming the package and the reason, storing nothing but
    the refusal's audit event. ``trust``: sender public keys (hex) trusted for this import."""
    if actor is not None:
        policy.require(actor, IMPORT_TRANSFER)
    source = Path(source)
    try:
        return _receive(actor, source, trust or [])
    except ValidationError as error:
        with transaction.atomic():
            audit_log(
                action=events.TRANSFER_REFUSED,
                actor=actor,
                data={"path": str(source), "reason": "; ".join(error.messages)},
            )
        raise


def _receive(actor: Any, source: Path, trust: list[str]) -> TransferEntry:
    try:
        trusted = trusted_keys(trust)
    except PackageError as error:
        raise TransferRefused(str(error)) from error
    manifest, listing, key_id = _listing(source, trusted)
    with _spool_folder() as spool:
        items = _packages(source, manifest, trusted, spool)
        _conflicts(manifest, listing, items)
        stored = _store_originals(items)
        try:
            with transaction.atomic():
                records = _take_in(items, actor)
                entry = register_entry(
                    manifest,
                    listing,
                    source,
                    actor=actor,
                    direction=Direction.IMPORT,
                    signer_key=key_id,
                )
                _checks_on_receipt(entry, records, manifest, actor)
        except BaseException:
            for original in stored:
                original_discard(original)
            raise
    return entry
