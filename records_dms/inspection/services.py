"""The four-property check (四性检测, DA/T 70-2018) over a batch of records.

``inspect`` is the one service every occasion calls: filing (ingestion, right after a record
is filed), transfer (the transfer app, on receipt, with the batch's expected totals), the daily
schedule and a clerk's request. Each check item's result is stored per record; a fault is
recorded and shown, never undone: the record stays filed.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.selectors import visible_records
from records_dms.audit.services import audit_log
from records_dms.inspection import events, items
from records_dms.inspection.checks import authenticity, integrity, security, usability
from records_dms.inspection.checks.clamav import ScannerMissing, ScanResult, scan
from records_dms.inspection.checks.subject import Batch, Subject
from records_dms.inspection.items import Finding
from records_dms.inspection.models import Inspection, InspectionResult, Occasion, Outcome
from records_dms.inspection.permissions import RUN_INSPECTION

CHECKS = (*authenticity.CHECKS, *integrity.CHECKS, *usability.CHECKS, *security.CHECKS)
PER_RECORD_ITEMS = tuple(item for item in items.ITEMS if item is not items.BATCH_TOTALS)
assert len(PER_RECORD_ITEMS) == len(CHECKS)
CHUNK = 50  # records whose originals are copied out and scanned together


@dataclass(frozen=True)
class Expected:
    """What a batch should hold (a transfer's manifest): item count and total bytes."""

    count: int
    bytes: int


@contextlib.contextmanager
def _local_copies(records: Sequence[Record]) -> Iterator[list[Subject]]:
    """Each record with a readable path to its stored original: the file itself on local
    storage, else a temporary copy (S3), removed afterwards."""
    work = Path(tempfile.mkdtemp(dir=_tmp_root(), prefix="inspect-"))
    try:
        subjects = []
        for record in records:
            subject = Subject(record=record, batch=Batch())
            if record.original_key:
                subject.path = _readable(record.original_key, work)
                subject.missing = subject.path is None
            subjects.append(subject)
        yield subjects
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _tmp_root() -> Path:
    root = Path(settings.DATA_DIR) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _readable(key: str, work: Path) -> Path | None:
    """A local path of the stored file: the file itself on local storage, else a copy in
    ``work`` (S3 storage has no path: Django's storages raise NotImplementedError)."""
    if not default_storage.exists(key):
        return None
    try:
        return Path(default_storage.path(key))
    except NotImplementedError:
        copy = work / key.replace("/", "_")
        with default_storage.open(key, "rb") as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return copy


def _scan(subjects: list[Subject], batch: Batch) -> None:
    paths = [s.path for s in subjects if s.path is not None]
    try:
        results = scan(paths)
    except ScannerMissing as error:
        batch.scanner_missing = str(error)
        return
    except (OSError, subprocess.SubprocessError) as error:  # timed out, could not start
        problem = f"{type(error).__name__}: {error}"[:300]
        results = {path: ScanResult(error=problem) for path in paths}
    for subject in subjects:
        if subject.path is not None:
            subject.scan = results.get(subject.path)


def _key_owners(records: Sequence[Record]) -> dict[str, dict[int, str]]:
    owners: dict[str, dict[int, str]] = {}
    keys = {r.original_key for r in records if r.original_key}
    rows = (
        Record.objects.filter(original_key__in=keys)
        .exclude(state=RecordState.DESTROYED)
        .values_list("original_key", "pk", "reference")
    )
    for key, pk, reference in rows:
        owners.setdefault(key, {})[pk] = reference
    return owners


def _check(subject: Subject) -> list[Finding]:
    findings = []
    for item, check in zip(PER_RECORD_ITEMS, CHECKS, strict=True):
        try:
            findings.append(check(subject))
        except Exception as error:  # a check that breaks is a fault of that item, not a crash
            findings.append(items.failed(item, f"{type(error).__name__}: {error}"[:300]))
    return findings


def _batch_totals(records: Sequence[Record], expected: Expected | None) -> Finding:
    count = len(records)
    stored = sum(default_storage.size(r.original_key) for r in records if _stored(r))
    filed = sum(r.size for r in records)
    detail = _("%(n)d record(s), %(bytes)d bytes") % {"n": count, "bytes": stored}
    problems = []
    if stored != filed:
        problems.append(
            _("stored originals hold %(stored)d bytes, the metadata say %(filed)d")
            % {"stored": stored, "filed": filed}
        )
    if expected is not None and (expected.count, expected.bytes) != (count, stored):
        problems.append(
            _("expected %(n)d record(s) of %(bytes)d bytes, received %(got_n)d of %(got)d")
            % {"n": expected.count, "bytes": expected.bytes, "got_n": count, "got": stored}
        )
    return items.verdict(items.BATCH_TOTALS, problems, detail)


def _stored(record: Record) -> bool:
    return bool(record.original_key) and default_storage.exists(record.original_key)


def _result(inspection: Inspection, record: Record | None, finding: Finding) -> InspectionResult:
    return InspectionResult(
        inspection=inspection,
        record=record,
        code=items.item_code(finding.item, inspection.occasion),
        property=finding.item.property,
        outcome=finding.outcome,
        detail=finding.detail.replace("\x00", "")[:4000],  # PostgreSQL text holds no NUL
    )


def inspect(
    records: Iterable[Record],
    *,
    occasion: str,
    actor: Any = None,
    expected: Expected | None = None,
    customer: Customer | None = None,
) -> Inspection:
    """Check ``records`` for the four properties and store every item's result, worded in
    the archive's language (DMS_LANGUAGE), like a certificate: the report is a record too."""
    with translation.override(settings.LANGUAGE_CODE):
        return _inspect(
            records, occasion=occasion, actor=actor, expected=expected, customer=customer
        )


def _inspect(
    records: Iterable[Record],
    *,
    occasion: str,
    actor: Any = None,
    expected: Expected | None = None,
    customer: Customer | None = None,
) -> Inspection:
    """Check ``records`` for the four properties and store every item's result.

    ``expected`` (a transfer's manifest) is compared with the batch's item count and total
    bytes. Destroyed records (tombstones) are left out. Nothing is changed on the records.
    """
    if occasion not in Occasion.values:
        raise ValueError(f"unknown occasion {occasion!r}")
    batch_records = [r for r in records if r.state != RecordState.DESTROYED]
    user = actor if actor is not None and actor.is_authenticated else None
    # Saved with its results at the end, so a run cut short leaves nothing half stored.
    inspection = Inspection(
        occasion=occasion,
        started_at=timezone.now(),
        actor=user,
        actor_name=user.get_username() if user else "",
        customer=customer,
        expected_count=expected.count if expected else None,
        expected_bytes=expected.bytes if expected else None,
    )
    results = [_result(inspection, None, _batch_totals(batch_records, expected))]
    batch = Batch()
    for start in range(0, len(batch_records), CHUNK):
        chunk = batch_records[start : start + CHUNK]
        with _local_copies(chunk) as subjects:
            _scan(subjects, batch)
            batch.key_owners = _key_owners(chunk)
            for subject in subjects:
                subject.batch = batch
                results += [_result(inspection, subject.record, f) for f in _check(subject)]
    return _finish(inspection, batch_records, results, actor)


def _finish(
    inspection: Inspection, records: list[Record], results: list[InspectionResult], actor: Any
) -> Inspection:
    outcomes = [r.outcome for r in results]
    faulty = sorted({r.record.reference for r in results if r.outcome == Outcome.FAIL and r.record})
    inspection.record_count = len(records)
    inspection.total_bytes = sum(r.size for r in records)
    inspection.passed = outcomes.count(Outcome.PASS)
    inspection.failed = outcomes.count(Outcome.FAIL)
    inspection.not_applicable = outcomes.count(Outcome.NOT_APPLICABLE)
    inspection.faulty_records = len(faulty)
    inspection.finished_at = timezone.now()
    with transaction.atomic():
        inspection.save()
        InspectionResult.objects.bulk_create(results, batch_size=500)
        inspection.records.add(*records)
        audit_log(
            action=events.INSPECTION_RUN,
            actor=actor,
            obj=inspection,
            customer_code=inspection.customer.code if inspection.customer else "",
            data={
                "occasion": inspection.occasion,
                "records": inspection.record_count,
                "failed": inspection.failed,
                "faulty": faulty[:100],
            },
        )
    return inspection


def inspection_request(
    *, actor: Any, customer: Customer | None = None, references: Sequence[str] = ()
) -> Inspection:
    """A check on demand, of a dossier or of named records, as far as ``actor`` sees them."""
    user = policy.require(actor, RUN_INSPECTION)
    records = visible_records(user=user).exclude(state=RecordState.DESTROYED)
    if customer is not None:
        records = records.filter(customer=customer)
    if references:
        records = records.filter(reference__in=references)
    found = list(records.select_related("customer").order_by("reference"))
    if not found:
        raise ValueError(_("no record to check"))
    return inspect(found, occasion=Occasion.MANUAL, actor=user, customer=customer)


def least_recently_inspected() -> QuerySet[Record]:
    return (
        Record.objects.exclude(state=RecordState.DESTROYED)
        .select_related("customer")
        .annotate(last=Max("inspections__started_at"))
        .order_by(F("last").asc(nulls_first=True), "pk")  # never checked first
    )


def inspection_daily(on: datetime.date) -> int:
    """The day's share of the archive (all of it once in ``DMS_INSPECTION_DAYS``); once a day."""
    days = settings.INSPECTION.days
    if days <= 0:
        return 0
    if Inspection.objects.filter(
        occasion=Occasion.SCHEDULE, started_at__date=on, customer__isnull=True
    ).exists():
        return 0
    total = Record.objects.exclude(state=RecordState.DESTROYED).count()
    share = list(least_recently_inspected()[: math.ceil(total / days)])
    inspect(share, occasion=Occasion.SCHEDULE)
    return len(share)


def inspection_after_filing(record: Record, actor: Any) -> Inspection | None:
    """The check at filing, if the deployment runs it (``DMS_INSPECT_ON_FILING``)."""
    if not settings.INSPECTION.on_filing:
        return None
    return inspect([record], occasion=Occasion.FILING, actor=actor)


def inspection_export(*, inspection: Inspection, actor: Any, fmt: str) -> bytes:
    """The inspection's report (``pdf`` or ``xlsx``) as ``actor`` may read it; audited."""
    from records_dms.inspection.exports import inspection_pdf, inspection_xlsx
    from records_dms.inspection.permissions import VIEW_INSPECTION
    from records_dms.inspection.selectors import inspection_results

    user = policy.require(actor, VIEW_INSPECTION)
    if fmt not in ("pdf", "xlsx"):
        raise ValueError(f"unknown format {fmt!r}")
    results = list(inspection_results(user=user, inspection=inspection))
    data = (inspection_pdf if fmt == "pdf" else inspection_xlsx)(inspection, results)
    audit_log(
        action=events.INSPECTION_EXPORTED,
        actor=user,
        obj=inspection,
        data={"format": fmt, "results": len(results)},
    )
    return data
