"""Fixity: stored originals re-hashed against the SHA-256 recorded when they were filed.

Every day the worker re-hashes a share of the originals (all of them once every
``DMS_FIXITY_DAYS`` days, the longest unchecked first), as a job of the daily chain retention
runs; ``dms verify --fixity`` checks them
all at once. A changed or missing original is an incident: it is written to the audit trail
and e-mailed to the compliance officers.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts import roles
from records_dms.archive.models import Record, RecordState
from records_dms.audit.services import audit_log
from records_dms.fixity.events import FIXITY_FAILED, FIXITY_RUN
from records_dms.fixity.models import FixityCheck, FixityRun

MISSING = "missing"
MISMATCH = "mismatch"


@dataclass(frozen=True)
class FixityFinding:
    reference: str
    customer: str
    kind: str  # missing, mismatch
    key: str

    @property
    def problem(self) -> str:
        if self.kind == MISSING:
            return _("stored original is missing")
        return _("stored original does not match its SHA-256")


def sha256_of_stored(key: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(key, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def stored_originals() -> QuerySet[Record]:
    """Live records that have a stored original, the longest unchecked first."""
    return (
        Record.objects.exclude(original_key="")
        .exclude(state=RecordState.DESTROYED)
        .select_related("customer")
        .order_by(F("fixity__checked_at").asc(nulls_first=True), "pk")
    )


def _problem_of(record: Record) -> str:
    if not default_storage.exists(record.original_key):
        return MISSING
    if sha256_of_stored(record.original_key) != record.sha256:
        return MISMATCH
    return ""


def fixity_check(records: Iterable[Record]) -> list[FixityFinding]:
    """Re-hash each record's original; record the check, audit and return what is wrong."""
    findings = []
    for record in records:
        kind = _problem_of(record)
        if kind == MISSING:
            # Destroyed (or being destroyed) meanwhile: its file is meant to go.
            current = Record.objects.filter(pk=record.pk).values_list("state", flat=True).first()
            if current in (None, RecordState.DESTROYED, RecordState.APPROVED):
                continue
        with transaction.atomic():
            FixityCheck.objects.update_or_create(
                record=record,
                defaults={"checked_at": timezone.now(), "ok": not kind, "problem": kind},
            )
            if kind:
                finding = FixityFinding(
                    record.reference, record.customer.code, kind, record.original_key
                )
                findings.append(finding)
                audit_log(
                    action=FIXITY_FAILED,
                    obj=record,
                    customer_code=record.customer.code,
                    data={"problem": kind, "key": record.original_key, "sha256": record.sha256},
                )
    if findings:
        fixity_alert(findings)
    return findings


def fixity_alert(findings: list[FixityFinding]) -> None:
    """E-mail the compliance officers the list of damaged or missing originals."""
    officers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.COMPLIANCE)
        .exclude(email="")
    )
    recipients = sorted({u.email for u in officers})
    if not recipients:
        return
    send_mail(
        subject=_("Fixity check: %(count)d stored originals are damaged or missing")
        % {"count": len(findings)},
        message="\n".join(f"{f.reference}  {f.customer}  {f.problem}  ({f.key})" for f in findings),
        from_email=None,
        recipient_list=recipients,
    )


def daily_share(total: int) -> int:
    """How many originals one day checks so that all are checked every DMS_FIXITY_DAYS."""
    days = settings.FIXITY.days
    return math.ceil(total / days) if days > 0 and total else 0


def fixity_run_share(on: datetime.date) -> FixityRun | None:
    """Check the day's share of the originals, once per day (None: already run that day)."""
    originals = stored_originals()
    try:
        with transaction.atomic():
            run = FixityRun.objects.create(day=on)
    except IntegrityError:
        return None
    share = list(originals[: daily_share(originals.count())])
    findings, checked = fixity_check(share), len(share)
    with transaction.atomic():
        FixityRun.objects.filter(pk=run.pk).update(checked=checked, problems=len(findings))
        audit_log(
            action=FIXITY_RUN,
            data={"day": on.isoformat(), "checked": checked, "problems": len(findings)},
        )
    run.refresh_from_db()
    return run


def fixity_run_all() -> tuple[int, list[FixityFinding]]:
    """Check every stored original now (``dms verify --fixity``): how many, and the findings."""
    originals = list(stored_originals())
    return len(originals), fixity_check(originals)


def fixity_daily(on: datetime.date) -> FixityRun | None:
    """The daily job (on the product's daily chain, ``records_dms.archive.daily``): the day's
    share, once; None when already done that day or when DMS_FIXITY_DAYS is 0."""
    if settings.FIXITY.days <= 0:
        return None
    return fixity_run_share(on)
