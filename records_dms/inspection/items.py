"""The check items, numbered as DA/T 70-2018 numbers them: property (1 真实性, 2 完整性,
3 可用性, 4 安全性), then item. The stored code puts the stage in front, as the standard does:
GD (归档, filing), YJ (移交与接收, transfer) or BC (长期保存, scheduled and on-demand checks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from records_dms.inspection.models import Occasion, Outcome, Property


@dataclass(frozen=True)
class Item:
    number: str
    property: str
    label: Any


def _item(number: str, prop: str, label: Any) -> Item:
    return Item(number, prop, label)


A, INT, U, S = Property.AUTHENTICITY, Property.INTEGRITY, Property.USABILITY, Property.SECURITY
FIXITY = _item("1-1", A, _("stored original matches its SHA-256"))
SIGNATURES = _item("1-2", A, _("electronic signatures in the file are valid"))
LENGTHS = _item("1-3", A, _("metadata within their lengths"))
VALUES = _item("1-4", A, _("metadata of the right type and allowed values"))
REFERENCE_FORMAT = _item("1-5", A, _("file reference number well-formed"))
DUPLICATES = _item("1-6", A, _("no duplicate reference number or original"))
FILE_PROPERTIES = _item("1-7", A, _("file name, size and format agree with the metadata"))
LINKED_FILE = _item("1-8", A, _("metadata point to the right stored file"))
BATCH_TOTALS = _item("2-1", INT, _("item count and total bytes match"))
REQUIRED_FIELDS = _item("2-2", INT, _("required description fields filled"))
SEQUENCE = _item("2-3", INT, _("reference numbers without gaps"))
ATTACHMENTS = _item("2-4", INT, _("email attachments present"))
PAGES = _item("2-5", INT, _("every page's text present"))
FORMAT_ALLOWED = _item("3-1", U, _("format on the allowed list"))
RENDERS = _item("3-2", U, _("file opens and renders"))
NOT_ENCRYPTED = _item("3-3", U, _("not encrypted"))
COMPRESSION = _item("3-4", U, _("no proprietary compression"))
VIRUS = _item("4-1", S, _("no virus found"))
ACTIVE_CONTENT = _item("4-2", S, _("no active content"))
PROCESS = _item("4-3", S, _("filing process recorded in the audit trail"))

ITEMS: tuple[Item, ...] = (
    FIXITY,
    SIGNATURES,
    LENGTHS,
    VALUES,
    REFERENCE_FORMAT,
    DUPLICATES,
    FILE_PROPERTIES,
    LINKED_FILE,
    BATCH_TOTALS,
    REQUIRED_FIELDS,
    SEQUENCE,
    ATTACHMENTS,
    PAGES,
    FORMAT_ALLOWED,
    RENDERS,
    NOT_ENCRYPTED,
    COMPRESSION,
    VIRUS,
    ACTIVE_CONTENT,
    PROCESS,
)
BY_NUMBER = {item.number: item for item in ITEMS}

STAGE: dict[str, str] = {
    Occasion.FILING: "GD",
    Occasion.TRANSFER: "YJ",
    Occasion.SCHEDULE: "BC",
    Occasion.MANUAL: "BC",
}


def item_code(item: Item, occasion: str) -> str:
    return f"{STAGE[occasion]}-{item.number}"


def item_of(code: str) -> Item | None:
    return BY_NUMBER.get(code.split("-", 1)[-1])


@dataclass(frozen=True)
class Finding:
    item: Item
    outcome: str
    detail: str = ""


def passed(item: Item, detail: str = "") -> Finding:
    return Finding(item, Outcome.PASS, detail)


def failed(item: Item, detail: str) -> Finding:
    return Finding(item, Outcome.FAIL, detail)


def not_applicable(item: Item, detail: str = "") -> Finding:
    return Finding(item, Outcome.NOT_APPLICABLE, detail)


def verdict(item: Item, problems: list[str], detail: str = "") -> Finding:
    """Fail with the problems joined, or pass."""
    return failed(item, "; ".join(problems)) if problems else passed(item, detail)
