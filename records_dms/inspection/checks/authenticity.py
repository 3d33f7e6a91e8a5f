"""真实性 (authenticity): the original is the one filed, signatures hold, metadata are
well-formed, unique and describe the stored file."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from records_dms.archive.models import TYPE_CODES, Record, RecordState
from records_dms.inspection import items
from records_dms.inspection.checks.formats import (
    EXTENSIONS,
    KNOWN_EXTENSIONS,
    MIME_TYPES,
    UNKNOWN,
)
from records_dms.inspection.checks.subject import Subject
from records_dms.inspection.items import Finding

NO_FILE = "no electronic original (a paper record)"


def _no_file(subject: Subject, item: items.Item) -> Finding | None:
    if subject.missing:
        return items.failed(item, _("the stored original is missing"))
    if not subject.has_file:
        return items.not_applicable(item, _(NO_FILE))
    return None


def fixity(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.FIXITY)) is not None:
        return early
    if subject.sha256 != subject.record.sha256:
        return items.failed(
            items.FIXITY,
            _("SHA-256 of the stored original is %(now)s, filed as %(then)s")
            % {"now": subject.sha256, "then": subject.record.sha256},
        )
    return items.passed(items.FIXITY, subject.sha256)


def signatures(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.SIGNATURES)) is not None:
        return early
    facts = subject.pdf
    if facts is None or not facts.signature_fields:
        return items.not_applicable(items.SIGNATURES, _("no electronic signature in the file"))
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    assert subject.path is not None
    problems, notes = [], []
    try:
        with subject.path.open("rb") as handle:
            embedded = PdfFileReader(handle, strict=False).embedded_signatures
            for signature in embedded:
                status = validate_pdf_signature(
                    signature, ValidationContext(trust_roots=[], allow_fetching=False)
                )
                name = signature.field_name
                if not status.intact or not status.valid:
                    problems.append(_("signature %(name)s does not match") % {"name": name})
                else:
                    trust = _("trusted") if status.trusted else _("signer not in a trust list")
                    notes.append(f"{name}: {_('intact')}, {trust}")
    except Exception as error:  # pyHanko raises many kinds of errors on a damaged file
        problems.append(_("signature cannot be read: %(error)s") % {"error": error})
    return items.verdict(items.SIGNATURES, problems, "; ".join(notes))


def _charfield_lengths(record: Record) -> list[str]:
    problems = []
    for field in Record._meta.get_fields():
        if isinstance(field, models.CharField) and field.max_length:
            value = getattr(record, field.attname) or ""
            if len(value) > field.max_length:
                problems.append(
                    _("%(field)s longer than %(n)d characters")
                    % {"field": field.verbose_name, "n": field.max_length}
                )
    return problems


def lengths(subject: Subject) -> Finding:
    return items.verdict(items.LENGTHS, _charfield_lengths(subject.record))


def _bad_choices(record: Record) -> list[str]:
    problems = []
    for name in ("type", "channel", "confidentiality", "state"):
        field: Any = Record._meta.get_field(name)
        allowed = {value for value, _label in field.choices or ()}
        if getattr(record, name) not in allowed:
            problems.append(
                _("%(field)s has a value not allowed: %(value)s")
                % {"field": field.verbose_name, "value": getattr(record, name)}
            )
    return problems


def _bad_values(record: Record) -> list[str]:
    problems = _bad_choices(record)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    for name in ("document_date", "received_date"):
        value = getattr(record, name)
        if not isinstance(value, datetime.date) or not (
            datetime.date(1900, 1, 1) <= value <= tomorrow
        ):
            problems.append(_("%(field)s is not a plausible date") % {"field": name})
    if record.original_key and not re.fullmatch(r"[0-9a-f]{64}", record.sha256):
        problems.append(_("SHA-256 is not 64 hexadecimal digits"))
    if record.size < 0:
        problems.append(_("size is negative"))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in record.title):
        problems.append(_("title contains control characters"))
    return problems


def values(subject: Subject) -> Finding:
    return items.verdict(items.VALUES, _bad_values(subject.record))


CUSTOMER_FORM = r"(?P<customer>.+)-(?P<type>[A-Z]{2})-(?P<year>\d{4})-(?P<number>\d{4,})"
# DA/T 22-2015: 全宗号-门类代码·年度-保管期限-机构(问题)-件号, e.g. Q001-WS·2024-D10-KF-0007.
STANDARD_FORM = (
    r"(?P<fonds>[A-Za-z0-9]+)-(?P<class>[A-Z]+)·(?P<year>\d{4})-(?P<period>[A-Z0-9]+)"
    r"(?:-(?P<unit>[A-Za-z0-9]+))?-(?P<number>\d{4,})"
)


def reference_problems(record: Record) -> list[str]:
    """The reference in either form the archive issues; its year and type agree with the record."""
    reference, problems = record.reference, []
    customer_form = re.fullmatch(CUSTOMER_FORM, reference)
    standard_form = re.fullmatch(STANDARD_FORM, reference)
    if customer_form is not None:
        if customer_form["customer"] != record.customer.code:
            problems.append(_("the customer code in the reference is not the record's"))
        if customer_form["type"] != TYPE_CODES.get(record.type):
            problems.append(_("the type code in the reference is not the record's type"))
        year = customer_form["year"]
    elif standard_form is not None:
        year = standard_form["year"]
    else:
        return [_("%(reference)s is in no known reference form") % {"reference": reference}]
    if int(year) != record.document_date.year:
        problems.append(
            _("the year in the reference (%(year)s) is not the document date's") % {"year": year}
        )
    return problems


def reference_format(subject: Subject) -> Finding:
    return items.verdict(items.REFERENCE_FORMAT, reference_problems(subject.record))


def duplicates(subject: Subject) -> Finding:
    record, problems = subject.record, []
    others = Record.objects.exclude(pk=record.pk)
    if others.filter(reference=record.reference).exists():
        problems.append(_("another record has the reference %(r)s") % {"r": record.reference})
    if record.sha256:
        twin = (
            others.filter(sha256=record.sha256)
            .exclude(state=RecordState.DESTROYED)
            .values_list("reference", flat=True)
            .first()
        )
        if twin:
            problems.append(_("the same original is filed as %(r)s") % {"r": twin})
    return items.verdict(items.DUPLICATES, problems)


def file_properties(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.FILE_PROPERTIES)) is not None:
        return early
    record, problems = subject.record, []
    if subject.size != record.size:
        problems.append(
            _("stored size %(now)d bytes, filed as %(then)d")
            % {"now": subject.size, "then": record.size}
        )
    kind = subject.format
    if kind == UNKNOWN:
        problems.append(_("the file's format is not recognised"))
    elif record.mime_type not in MIME_TYPES.get(kind, frozenset()):
        problems.append(
            _("the file is %(kind)s but filed as %(mime)s")
            % {"kind": kind.upper(), "mime": record.mime_type or "—"}
        )
    if not record.original_name.strip():
        problems.append(_("no original file name"))
    extension = "." + record.original_name.rsplit(".", 1)[-1].lower()
    if extension in KNOWN_EXTENSIONS and extension not in EXTENSIONS.get(kind, frozenset()):
        problems.append(
            _("the name ends in %(ext)s but the file is %(kind)s")
            % {"ext": extension, "kind": kind.upper()}
        )
    detail = f"{record.original_name}, {subject.size} B, {kind.upper()}"
    return items.verdict(items.FILE_PROPERTIES, problems, detail)


def linked_file(subject: Subject) -> Finding:
    record = subject.record
    if not record.original_key:
        return items.not_applicable(items.LINKED_FILE, _(NO_FILE))
    problems = []
    expected = f"originals/{record.sha256[:2]}/{record.sha256[2:4]}/{record.sha256}"
    if record.original_key.startswith("originals/") and record.original_key != expected:
        problems.append(
            _("the metadata point to %(key)s, not to the original of this SHA-256")
            % {"key": record.original_key}
        )
    owners = subject.batch.key_owners.get(record.original_key, {})
    sharing = next((ref for pk, ref in owners.items() if pk != record.pk), None)
    if sharing:
        problems.append(_("%(r)s points to the same stored file") % {"r": sharing})
    if subject.missing:
        problems.append(_("the stored original is missing"))
    return items.verdict(items.LINKED_FILE, problems, record.original_key)


CHECKS = (
    fixity,
    signatures,
    lengths,
    values,
    reference_format,
    duplicates,
    file_properties,
    linked_file,
)
