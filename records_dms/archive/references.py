"""File reference numbers (档号): today's customer form, or DA/T 22-2015's standard form.

``DMS_REFERENCE_RULE`` chooses the form of new references; a reference once given never
changes (loans, certificates and the audit trail name records by it). Both forms number
gap-free within their series (``counter_next`` in the filing transaction):

- ``customer``: ``KH-0101-TS-2024-0007`` — customer code, type code, year, number per
  customer, type and year.
- ``dat22``: ``Q001-WS·2024-D10-TS-0007`` — 全宗号-门类代码·年度-保管期限-机构(问题)-件号,
  件号 per fonds, category, year, retention class and 机构(问题) (DA/T 22-2015 §6 and §7.1).

The 保管期限 code comes from the record's retention schedule; the archive knows nothing of
retention, which registers the answer here from its AppConfig.ready (as with triggers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from records_dms.archive.models import TYPE_CODES, Record

RetentionClassOf = Callable[[Record], str]

# Without a schedule the 档号 says 永久: DA/T 22 keeps a record whose period is unsettled
# under the longer one.
UNSETTLED_CLASS = "Y"

DAT22 = re.compile(
    r"^(?P<fonds>[A-Z0-9]+)-(?P<category>[A-Z0-9]+)·(?P<year>\d{4})-(?P<period>Y|D\d+)"
    r"(?:-(?P<org>[A-Z0-9]+))?-(?P<number>\d{4,})$"
)
CUSTOMER = re.compile(r"^(?P<org>.+-(?P<type>[A-Z]{2}))-(?P<year>\d{4})-(?P<number>\d{4,})$")

_retention_class: list[RetentionClassOf] = []


def retention_class_register(answer: RetentionClassOf) -> RetentionClassOf:
    """Retention says which class code (Y, D30, D10, D3…) a record has; one answer counts."""
    _retention_class[:] = [answer]
    return answer


def retention_class_of(record: Record) -> str:
    """The 保管期限 code of the record's retention schedule (Y when none applies)."""
    code = _retention_class[0](record) if _retention_class else ""
    return code or UNSETTLED_CLASS


def class_part(record: Record) -> str:
    """The 机构(问题) part of a standard reference, as ``DMS_REFERENCE_CLASS`` says."""
    chosen = settings.REFERENCES.class_code
    if chosen == "type":
        return TYPE_CODES[record.type]
    if chosen == "customer":
        return re.sub(r"[^A-Z0-9]", "", record.customer.code.upper())
    if chosen == "none":
        return ""
    return str(chosen)


@dataclass(frozen=True)
class ReferenceSeries:
    """Where a new reference draws its number, and how it is written."""

    key: str
    prefix: str

    def reference(self, number: int) -> str:
        return f"{self.prefix}-{number:04d}"


def reference_series(record: Record) -> ReferenceSeries:
    """The numbering series of an unsaved record under the configured rule."""
    year = record.document_date.year
    if settings.REFERENCES.rule != "dat22":
        type_code = TYPE_CODES[record.type]
        code = record.customer.code
        return ReferenceSeries(f"record:{code}:{type_code}:{year}", f"{code}-{type_code}-{year}")
    config = settings.REFERENCES
    parts = [f"{config.fonds_code}-{config.category_code}·{year}", retention_class_of(record)]
    if org := class_part(record):
        parts.append(org)
    prefix = "-".join(parts)
    return ReferenceSeries(f"dat22:{prefix}", prefix)


@dataclass(frozen=True)
class ReferenceParts:
    """What a filing stamp (归档章) shows of a record's reference."""

    fonds: str
    year: str
    period: str
    number: str
    org: str


def reference_parts(record: Record) -> ReferenceParts:
    """The stamp's fields: parsed from a standard reference, else from the record itself.

    保管期限 is always the record's current class (its schedule may have changed since
    filing; the 档号 keeps the class it was given).
    """
    period = retention_class_of(record)
    match = DAT22.match(record.reference)
    if match:
        return ReferenceParts(
            fonds=match["fonds"],
            year=match["year"],
            period=period,
            number=match["number"],
            org=match["org"] or "",
        )
    match = CUSTOMER.match(record.reference)
    return ReferenceParts(
        fonds=settings.REFERENCES.fonds_code,
        year=match["year"] if match else str(record.document_date.year),
        period=period,
        number=match["number"] if match else record.reference,
        org=match["org"] if match else "",
    )
