"""安全性 (security): no virus (ClamAV), no active content, the filing recorded in the audit
trail."""

from __future__ import annotations

from django.utils.translation import gettext as _

from records_dms.archive.models import RecordState
from records_dms.audit import events as audit_events
from records_dms.audit.models import AuditEvent
from records_dms.inspection import items
from records_dms.inspection.checks.authenticity import _no_file
from records_dms.inspection.checks.subject import Subject
from records_dms.inspection.items import Finding
from records_dms.transfer import events as transfer_events


def virus(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.VIRUS)) is not None:
        return early
    if subject.batch.scanner_missing:
        return items.failed(
            items.VIRUS,
            _("not scanned: %(program)s is not installed")
            % {"program": subject.batch.scanner_missing},
        )
    result = subject.scan
    if result is None or result.error:
        problem = result.error if result is not None else _("no verdict")
        return items.failed(items.VIRUS, _("not scanned: %(problem)s") % {"problem": problem})
    if result.infected:
        return items.failed(items.VIRUS, _("infected: %(name)s") % {"name": result.infected})
    return items.passed(items.VIRUS, "ClamAV")


def active_content(subject: Subject) -> Finding:
    if (early := _no_file(subject, items.ACTIVE_CONTENT)) is not None:
        return early
    facts = subject.pdf
    if facts is None:
        return items.passed(items.ACTIVE_CONTENT, _("not a PDF: no actions to run"))
    if facts.error:
        return items.failed(
            items.ACTIVE_CONTENT, _("could not be read: %(error)s") % {"error": facts.error}
        )
    if facts.active:
        return items.failed(
            items.ACTIVE_CONTENT,
            _("the PDF holds %(what)s") % {"what": ", ".join(facts.active)},
        )
    return items.passed(items.ACTIVE_CONTENT)


def process(subject: Subject) -> Finding:
    """Its filing and (once filed) its text extraction are events of the audit trail; a
    record received by transfer has its receipt instead (one event for both)."""
    record = subject.record
    needed = [audit_events.RECORD_CREATED]
    if record.original_key and record.state != RecordState.RECEIVED:
        needed.append(audit_events.RECORD_PAGES_EXTRACTED)
    found = set(
        AuditEvent.objects.filter(
            object_type="record",
            object_id=str(record.pk),
            action__in=[*needed, transfer_events.RECORD_RECEIVED],
        ).values_list("action", flat=True)
    )
    if transfer_events.RECORD_RECEIVED in found:
        return items.passed(items.PROCESS, transfer_events.RECORD_RECEIVED)
    missing = [action for action in needed if action not in found]
    if missing:
        return items.failed(
            items.PROCESS, _("no audit event %(events)s") % {"events": ", ".join(missing)}
        )
    return items.passed(items.PROCESS, ", ".join(needed))


CHECKS = (virus, active_content, process)
