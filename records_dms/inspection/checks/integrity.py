"""完整性 (integrity): description fields filled (DA/T 18), numbers without gaps, an email's
attachments filed, every page's text there. The batch's own totals are checked by the service."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from email.message import Message

from django.utils.translation import gettext as _

from records_dms.archive.models import Record, VoidedReference
from records_dms.inspection import items
from records_dms.inspection.checks.formats import EML
from records_dms.inspection.checks.subject import Subject
from records_dms.inspection.items import Finding


def _required(record: Record) -> dict[str, object]:
    """DA/T 18's required fields, as this archive holds them (README names the gaps)."""
    author = record.email_headers.get("from") if record.type == "email" else ""
    return {
        "档号": record.reference,
        "题名": record.title.strip(),
        "日期": record.document_date,
        # 责任者: no field of its own; the dossier's customer (the sender, for an email).
        "责任者": author or record.customer.name.strip(),
        # 销毁情况: the lifecycle state (destroyed or not); 开放标识: the confidentiality.
        "销毁情况": record.state,
        "开放标识": record.confidentiality,
    }


def required_fields(subject: Subject) -> Finding:
    empty = [name for name, value in _required(subject.record).items() if not value]
    if empty:
        return items.failed(
            items.REQUIRED_FIELDS, _("not filled: %(fields)s") % {"fields": "、".join(empty)}
        )
    return items.passed(items.REQUIRED_FIELDS)


TRAILING_NUMBER = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def _group(subject: Subject, prefix: str) -> dict[int, str]:
    group = subject.batch.groups.get(prefix)
    if group is None:
        group = {}
        # A number voided by a correction before filing was final is accounted for.
        voided = VoidedReference.objects.filter(reference__startswith=prefix)
        for reference in [
            *Record.objects.filter(reference__startswith=prefix).values_list(
                "reference", flat=True
            ),
            *voided.values_list("reference", flat=True),
        ]:
            match = TRAILING_NUMBER.match(reference)
            if match is not None and match["prefix"] == prefix:
                group[int(match["number"])] = reference
        subject.batch.groups[prefix] = group
    return group


def sequence(subject: Subject) -> Finding:
    """The numbers before this one, back to the one before it that exists, are all there."""
    match = TRAILING_NUMBER.match(subject.record.reference)
    if match is None:
        return items.failed(items.SEQUENCE, _("the reference ends in no number"))
    prefix, number, width = match["prefix"], int(match["number"]), len(match["number"])
    group = _group(subject, prefix)
    before = max((n for n in group if n < number), default=0)
    missing = [f"{prefix}{n:0{width}d}" for n in range(before + 1, number)]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        return items.failed(
            items.SEQUENCE,
            _("%(n)d number(s) missing before it: %(missing)s")
            % {"n": len(missing), "missing": shown},
        )
    return items.passed(items.SEQUENCE)


def _attachment_parts(message: Message) -> list[Message]:
    """The parts the filing pipeline files as attachments (its rule, read again here)."""
    found, stack = [], [message]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        if part.get_content_type().startswith("multipart/") and isinstance(payload, list):
            stack.extend(p for p in payload if isinstance(p, Message))
            continue
        if part.get_content_type() == "message/rfc822" or (
            part.get_content_disposition() == "attachment"
            or (part.get_content_maintype() != "text" and part.get_filename() is not None)
        ):
            found.append(part)
    return found


def _filed(part: Message, record: Record, children: set[str]) -> bool:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        if not data:
            return True  # an empty attachment is nothing to file
        digest = hashlib.sha256(data).hexdigest()
        if Record.objects.filter(sha256=digest).exists():
            return True
    return (part.get_filename() or "") in children


def attachments(subject: Subject) -> Finding:
    record = subject.record
    if record.type != "email" or not subject.has_file or subject.format != EML:
        return items.not_applicable(items.ATTACHMENTS, _("not an email"))
    assert subject.path is not None
    with subject.path.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.compat32)
    parts = _attachment_parts(message)
    children = set(record.children.values_list("original_name", flat=True))
    missing = [
        p.get_filename() or p.get_content_type() for p in parts if not _filed(p, record, children)
    ]
    if missing:
        return items.failed(
            items.ATTACHMENTS,
            _("attachments in the email not filed: %(names)s") % {"names": ", ".join(missing)},
        )
    return items.passed(items.ATTACHMENTS, _("%(n)d attachment(s)") % {"n": len(parts)})


def pages(subject: Subject) -> Finding:
    record = subject.record
    numbers = list(record.pages.order_by("number").values_list("number", flat=True))
    if numbers != list(range(1, record.page_count + 1)):
        return items.failed(
            items.PAGES,
            _("%(n)d page(s) recorded, text of %(have)d present")
            % {"n": record.page_count, "have": len(numbers)},
        )
    return items.passed(items.PAGES, _("%(n)d page(s)") % {"n": record.page_count})


CHECKS = (required_fields, sequence, attachments, pages)
