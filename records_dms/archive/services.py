"""Writes to the archive. Each service runs in one transaction with its audit event."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from records_dms.accounts.signals import refuse_own_change
from records_dms.archive.events import records_changed
from records_dms.archive.models import (
    TYPE_CODES,
    ComplaintCase,
    ComplaintChannel,
    ComplaintRegister,
    Customer,
    Page,
    Record,
    RecordRevision,
    RecordState,
    Severity,
    Volume,
)
from records_dms.archive.numbering import counter_next, record_reference_next, reference_correct
from records_dms.archive.triggers import record_triggers_changed
from records_dms.audit import events
from records_dms.audit.services import audit_log

User = AuthUser | AnonymousUser | None

CUSTOMER_FIELDS = (
    "name",
    "kind",
    "industry",
    "region",
    "grade",
    "contacts",
    "status",
    "relationship_ended_on",
    "owner",
)
RECORD_EDITABLE_FIELDS = (
    "title",
    "type",
    "document_date",
    "received_date",
    "channel",
    "confidentiality",
    "language",
    "physical_location",
    "volume",
    "complaint",
)


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _apply(instance: Any, fields: Iterable[str], values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the given fields; return {field: [before, after]} for those that changed."""
    changes: dict[str, Any] = {}
    for field in fields:
        if field not in values:
            continue
        before, after = getattr(instance, field), values[field]
        if _plain(before) != _plain(after):
            changes[field] = [_plain(before), _plain(after)]
            setattr(instance, field, after)
    return changes


# Customers ------------------------------------------------------------------------------------


def customer_create(*, code: str, name: str, actor: User, **fields: Any) -> Customer:
    """Create a customer and so open its dossier."""
    code = code.strip().upper()
    if not code or not name.strip():
        raise ValidationError(_("A customer needs a code and a name."))
    with transaction.atomic():
        if Customer.objects.filter(code=code).exists():
            raise ValidationError(_("Customer %(code)s already exists.") % {"code": code})
        customer = Customer(code=code, name=name.strip())
        _apply(customer, CUSTOMER_FIELDS, fields)
        customer.full_clean()
        customer.save()
        audit_log(
            action=events.CUSTOMER_CREATED,
            actor=actor,
            obj=customer,
            customer_code=customer.code,
            data={f: _plain(getattr(customer, f)) for f in ("name", *CUSTOMER_FIELDS)},
        )
    return customer


def customer_update(*, customer: Customer, actor: User, **fields: Any) -> Customer:
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        changes = _apply(customer, ("name", *CUSTOMER_FIELDS), fields)
        if changes:
            customer.full_clean()
            customer.save()
            audit_log(
                action=events.CUSTOMER_UPDATED,
                actor=actor,
                obj=customer,
                customer_code=customer.code,
                data={"changes": changes},
            )
            if {"status", "relationship_ended_on"} & changes.keys():
                record_triggers_changed(
                    customer.records.values_list("pk", flat=True),
                    actor=actor,
                    reason="customer.updated",
                )
    return customer


def customer_owner_set(*, customer: Customer, owner: Any, actor: User) -> Customer:
    """Make ``owner`` (or nobody) the customer's owner, who then sees its dossier. Audited as a
    customer change; nobody makes itself the owner (another clerk or administrator must)."""
    if owner is not None:
        refuse_own_change(owner, actor)
    return customer_update(customer=customer, actor=actor, owner=owner)


# Volumes and complaints -----------------------------------------------------------------------


def volume_create(*, customer: Customer, title: str, actor: User) -> Volume:
    with transaction.atomic():
        number = counter_next(f"volume:{customer.code}")
        volume = Volume.objects.create(customer=customer, number=number, title=title)
        audit_log(
            action=events.VOLUME_CREATED,
            actor=actor,
            obj=volume,
            customer_code=customer.code,
            data={"number": number, "title": title},
        )
    return volume


def register_for(channel: str) -> str:
    return (
        ComplaintRegister.DIRECT
        if channel == ComplaintChannel.DIRECT
        else (ComplaintRegister.FORWARDED)
    )


# Forwarded (转呈) and directly received (直受) complaints are numbered in separate registers.
REGISTER_PREFIX = {ComplaintRegister.FORWARDED: "ZC", ComplaintRegister.DIRECT: "ZS"}


def _major_volume(complaint: ComplaintCase, actor: User) -> Volume:
    # Stored data is written in the archive's language, whatever the clerk's screen shows.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Major complaint %(number)s: %(subject)s") % {
            "number": complaint.number,
            "subject": complaint.subject,
        }
    return volume_create(customer=complaint.customer, title=title[:200], actor=actor)


def complaint_open(
    *,
    customer: Customer,
    channel: str,
    subject: str,
    opened_on: datetime.date,
    actor: User,
    severity: str = Severity.NORMAL,
) -> ComplaintCase:
    """Register a complaint case; a major one gets its own volume at once."""
    with transaction.atomic():
        register = register_for(channel)
        year = opened_on.year
        sequence = counter_next(f"complaint:{register}:{year}")
        complaint = ComplaintCase(
            customer=customer,
            register=register,
            channel=channel,
            severity=Severity.NORMAL,
            subject=subject,
            opened_on=opened_on,
            number=f"{REGISTER_PREFIX[ComplaintRegister(register)]}-{year}-{sequence:04d}",
        )
        complaint.full_clean(exclude=["volume"])
        complaint.save()
        if severity == Severity.MAJOR:
            complaint.severity = Severity.MAJOR
            complaint.volume = _major_volume(complaint, actor)
            complaint.save(update_fields=["severity", "volume"])
        audit_log(
            action=events.COMPLAINT_OPENED,
            actor=actor,
            obj=complaint,
            customer_code=customer.code,
            data={"channel": channel, "severity": severity, "register": register},
        )
    return complaint


def complaint_update(*, complaint: ComplaintCase, actor: User, **fields: Any) -> ComplaintCase:
    """Change a case (close it, reopen it, raise its severity).

    Raising a case to major gives it its own volume and moves its records there. A major
    case is never lowered back, so its volume stays whole.
    """
    with transaction.atomic():
        complaint = ComplaintCase.objects.select_for_update().get(pk=complaint.pk)
        if complaint.severity == Severity.MAJOR and fields.get("severity") == Severity.NORMAL:
            raise ValidationError(_("A major complaint cannot be lowered to normal."))
        changes = _apply(
            complaint, ("subject", "severity", "closed_on", "outcome", "channel"), fields
        )
        if "channel" in changes:
            raise ValidationError(_("The channel of a registered complaint cannot change."))
        if complaint.severity == Severity.MAJOR and complaint.volume_id is None:
            complaint.volume = _major_volume(complaint, actor)
            complaint.records.update(volume=complaint.volume)
            changes["volume"] = [None, complaint.volume.pk]
        complaint.full_clean()
        complaint.save()
        if changes:
            audit_log(
                action=events.COMPLAINT_UPDATED,
                actor=actor,
                obj=complaint,
                customer_code=complaint.customer.code,
                data={"changes": changes},
            )
        if {"closed_on", "severity"} & changes.keys():
            record_triggers_changed(
                complaint.records.values_list("pk", flat=True),
                actor=actor,
                reason="complaint.updated",
            )
    return complaint


# Records --------------------------------------------------------------------------------------


def record_create(
    *,
    customer: Customer,
    type: str,
    title: str,
    document_date: datetime.date,
    actor: User,
    received_date: datetime.date | None = None,
    original: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Record:
    """File a record into a customer's dossier and give it its reference number.

    ``original`` describes an already stored original (key, name, mime_type, size, sha256).
    A record of a major complaint always lands in the complaint's own volume.
    """
    if customer.sealed:
        raise ValidationError(_("The dossier of %(code)s is sealed.") % {"code": customer.code})
    if type not in TYPE_CODES:
        raise ValidationError(_("Unknown record type: %(type)s") % {"type": type})
    with transaction.atomic():
        record = Record(
            customer=customer,
            type=type,
            title=title.strip(),
            document_date=document_date,
            received_date=received_date or timezone.localdate(),
            state=RecordState.RECEIVED if original else RecordState.FILED,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _apply(
            record, (*RECORD_EDITABLE_FIELDS, "parent", "rendition_key", "email_headers"), fields
        )
        if original:
            record.original_key = original["key"]
            record.original_name = original.get("name", "")[:255]
            record.mime_type = original.get("mime_type", "")
            record.size = original["size"]
            record.sha256 = original["sha256"]
        _check_links(record)
        record.reference = record_reference_next(record)
        record.full_clean()
        record.save()
        audit_log(
            action=events.RECORD_CREATED,
            actor=actor,
            obj=record,
            customer_code=customer.code,
            data={
                "reference": record.reference,
                "type": type,
                "title": record.title,
                "document_date": document_date.isoformat(),
                "sha256": record.sha256,
                "confidentiality": record.confidentiality,
            },
        )
        record_triggers_changed([record.pk], actor=actor, reason="record.created")
        records_changed([record.pk], reason=events.RECORD_CREATED)
    return record


def _check_links(record: Record) -> None:
    """Volume, complaint and parent must belong to the same dossier; major cases own theirs."""
    for linked in (record.volume, record.complaint, record.parent):
        if linked is not None and linked.customer_id != record.customer_id:
            raise ValidationError(_("A record can only be linked within its own dossier."))
    complaint = record.complaint
    if complaint is not None and complaint.severity == Severity.MAJOR:
        record.volume = complaint.volume


def record_update(*, record: Record, actor: User, reason: str = "", **fields: Any) -> Record:
    """Change a record's metadata, keeping who, when, before and after."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.state == RecordState.DESTROYED:
            raise ValidationError(_("A destroyed record cannot be changed."))
        before = copy.copy(record)
        changes = _apply(record, RECORD_EDITABLE_FIELDS, fields)
        if not changes:
            return record
        _check_links(record)
        if {"type", "document_date"} & changes.keys() and (
            renumbered := reference_correct(before, record)
        ):
            changes["reference"] = renumbered
        record.full_clean()
        record.save()
        RecordRevision.objects.create(
            record=record,
            changed_by=actor if actor and actor.is_authenticated else None,
            reason=reason[:255],
            changes=changes,
        )
        audit_log(
            action=events.RECORD_UPDATED,
            actor=actor,
            obj=record,
            customer_code=record.customer.code,
            data={"changes": changes, "reason": reason},
        )
        if {"type", "document_date", "complaint"} & changes.keys():
            record_triggers_changed([record.pk], actor=actor, reason="record.updated")
        records_changed([record.pk], reason=events.RECORD_UPDATED, fields=changes)
    return record


def record_pages_set(
    *, record: Record, pages: Iterable[tuple[str, str, float | None]], actor: User = None
) -> Record:
    """Replace a record's page texts with (text, source, confidence) tuples and mark it filed."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        record.pages.all().delete()
        rows = [
            Page(record=record, number=number, text=text, source=source, confidence=confidence)
            for number, (text, source, confidence) in enumerate(pages, start=1)
        ]
        Page.objects.bulk_create(rows)
        record.page_count = len(rows)
        if record.state in (RecordState.RECEIVED, RecordState.PROCESSING):
            record.state = RecordState.FILED
        record.save(update_fields=["page_count", "state"])
        audit_log(
            action=events.RECORD_PAGES_EXTRACTED,
            actor=actor,
            obj=record,
            customer_code=record.customer.code,
            data={"pages": len(rows), "sources": sorted({row.source for row in rows})},
        )
        records_changed(
            [record.pk], reason=events.RECORD_PAGES_EXTRACTED, fields=("pages", "state")
        )
    return record


def record_access_log(
    *,
    record: Record,
    actor: User,
    action: str = events.RECORD_VIEWED,
    purpose: str = "",
    what: str = "",
) -> None:
    """Register that someone read a record (查阅登记)."""
    audit_log(
        action=action,
        actor=actor,
        obj=record,
        customer_code=record.customer.code,
        purpose=purpose,
        data={"reference": record.reference, **({"what": what} if what else {})},
    )
