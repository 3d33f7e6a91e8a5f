"""The scanner inbox: DMS_DATA_DIR/inbox/<CUSTOMER CODE>/<type>/<file> is filed automatically.

A file is taken once its size has stopped changing, moved aside while it is filed, deleted
when filed (or a duplicate), and moved to inbox/_rejected/ with a .reason.txt when refused.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ingestion.models import IngestionJob, JobStatus
from ingestion.services import ingest_path
from records_dms.archive.models import Customer, RecordType

REJECTED = "_rejected"
WORKING = "_processing"
SYMLINK_REASON = "a symbolic link, not a file; what it points at was not read"


@dataclass(frozen=True)
class InboxOutcome:
    path: Path
    job: IngestionJob | None
    reason: str = ""


def inbox_dir() -> Path:
    path = Path(settings.DATA_DIR) / "inbox"
    (path / REJECTED).mkdir(parents=True, exist_ok=True)
    (path / WORKING).mkdir(parents=True, exist_ok=True)
    return path


def _reject(path: Path, reason: str) -> None:
    target = inbox_dir() / REJECTED / f"{uuid.uuid4().hex[:8]}-{path.name}"
    path.rename(target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def _settled(path: Path, settle_seconds: float) -> bool:
    """A scanner may still be writing: wait until the file is old enough."""
    return time.time() - path.stat().st_mtime >= settle_seconds


def inbox_scan(settle_seconds: float = 2.0) -> list[InboxOutcome]:
    """File everything that has arrived; return what happened to each file."""
    root = inbox_dir()
    outcomes = []
    for path in sorted(root.glob("*/*/*")):
        if path.parts[-3] in (REJECTED, WORKING):
            continue
        if path.is_symlink():  # never follow one: it could point at any file on the server
            reason = f"{path.name}: {SYMLINK_REASON}"
            _reject(path, reason)
            outcomes.append(InboxOutcome(path, None, reason))
            continue
        if not path.is_file():
            continue
        if not _settled(path, settle_seconds):
            continue
        code, record_type = path.parts[-3], path.parts[-2]
        customer = Customer.objects.filter(code=code.upper()).first()
        if customer is None or record_type not in RecordType.values:
            reason = (
                f"{path.name}: no customer {code}"
                if customer is None
                else f"{path.name}: unknown record type {record_type}"
            )
            _reject(path, reason)
            outcomes.append(InboxOutcome(path, None, reason))
            continue
        working = root / WORKING / f"{uuid.uuid4().hex[:8]}-{path.name}"
        path.rename(working)  # never picked up twice, even by a second scanner process
        job = ingest_path(
            path=working,
            filename=path.name,
            customer=customer,
            actor=None,
            record_type=record_type,
            channel="scan",
        )
        if job.status == JobStatus.REJECTED:
            working.rename(path)
            _reject(path, f"{path.name}: {job.reason}")
        else:  # filed, duplicate, or failed (the job keeps its own copy to retry)
            working.unlink()
        outcomes.append(InboxOutcome(path, job, job.reason))
    return outcomes


def inbox_watch(interval: float = 5.0) -> None:  # pragma: no cover - a loop around inbox_scan
    while True:
        inbox_scan()
        time.sleep(interval)
