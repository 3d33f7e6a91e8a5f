"""The ingestion pipeline: an ordered list of small stages over one spooled file.

preflight → duplicate check → store original → parse (text layer / OCR) → normalise → file →
attachments. Filing's commit indexes the record once (records_dms/archive/indexing.py listens
to the archive's record events). A stage stops the chain by raising ``Stop`` with the job's
final status; anything else it raises marks the job failed (retryable). What a stopped or
failed run stored is removed again, so nothing is half filed.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ingestion.events import record_filed
from ingestion.models import IngestionJob, JobStatus
from ingestion.ocr import normalise_text
from ingestion.originals import StoredOriginal, original_discard, original_store
from ingestion.parsers.base import ParseContext, Parser, ParseResult, RejectedInput
from ingestion.parsers.registry import parser_for
from ingestion.preflight import sniff, zip_check
from ingestion.sandbox import bounded, memory_budget
from ingestion.selectors import duplicate_reason
from ingestion.suggest import AUTO_TYPE, date_suggest, title_suggest, type_suggest
from records_dms.archive.models import ComplaintCase, Record, RecordState, Volume
from records_dms.archive.services import record_create, record_pages_set
from records_dms.common.failpoints import chaos_point

T = TypeVar("T")
logger = logging.getLogger(__name__)


class Stop(Exception):
    """Ends the chain with a final status (rejected or duplicate) and a reason."""

    def __init__(self, status: str, reason: str = "", record: Record | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.record = status, reason, record


@dataclass
class FileState:
    job: IngestionJob
    path: Path
    context: ParseContext
    mime_type: str = ""
    parser: Parser | None = None
    stored: StoredOriginal | None = None
    rendition_key: str = ""
    rendition_created: bool = False
    result: ParseResult = field(default_factory=ParseResult)
    record: Record | None = None


class Stage(Protocol):
    def run(self, state: FileState) -> None: ...


class Preflight:
    def run(self, state: FileState) -> None:
        with state.path.open("rb") as handle:
            head = handle.read(4096)
        try:
            zip_check(state.path, head)
            state.mime_type = sniff(head)
            state.parser = parser_for(state.mime_type)
            _bounded(state.parser.check, state.path, state.context)
        except RejectedInput as error:
            raise Stop(JobStatus.REJECTED, str(error)) from error
        state.job.mime_type = state.mime_type


class DuplicateCheck:
    def run(self, state: FileState) -> None:
        existing = _live_record_with(state.job.sha256)
        if existing is not None:
            raise Stop(JobStatus.DUPLICATE, _duplicate_reason(existing, state.job), existing)


class StoreOriginal:
    def run(self, state: FileState) -> None:
        state.stored = original_store(state.path, state.job.sha256)


class Parse:
    def run(self, state: FileState) -> None:
        assert state.parser is not None
        try:
            state.result = _bounded(state.parser.parse, state.path, state.context)
        except RejectedInput as error:
            raise Stop(JobStatus.REJECTED, str(error)) from error


def _bounded(function: Callable[[Path, ParseContext], T], path: Path, context: ParseContext) -> T:
    """The parsers read untrusted bytes: in a child process of bounded memory."""
    return bounded(
        function,
        path,
        context,
        budget=memory_budget(context.max_inflate_bytes, context.ocr_workers + 1),
        max_pixels=context.max_pixels,
    )


class Normalise:
    def run(self, state: FileState) -> None:
        for page in state.result.pages:
            page.text = normalise_text(page.text.replace("\x00", ""))


class FileRecord:
    """Create the record with its pages (and the searchable PDF) in one transaction."""

    def run(self, state: FileState) -> None:
        job, result, stored = state.job, state.result, state.stored
        assert stored is not None
        if result.rendition is not None:
            key = f"renditions/{job.sha256[:2]}/{job.sha256}.pdf"
            if (
                default_storage.exists(key)
                and not Record.objects.filter(rendition_key=key)
                .exclude(state=RecordState.DESTROYED)
                .exists()
            ):
                default_storage.delete(key)  # no record's: left (maybe cut short) by a crash
            if not default_storage.exists(key):
                with result.rendition.open("rb") as handle:
                    default_storage.save(key, File(handle, name=key))
                state.rendition_created = True
            state.rendition_key = key
        metadata = {
            "key": stored.key,
            "name": job.original_name,
            "mime_type": state.mime_type,
            "size": stored.size,
            "sha256": stored.sha256,
        }
        try:
            with transaction.atomic():
                record = record_create(
                    customer=job.customer,
                    type=_record_type(state),
                    title=_title(job, result)[:TITLE_CHARS],
                    document_date=_document_date(job, result),
                    actor=job.created_by,
                    original=metadata,
                    channel=job.channel,
                    confidentiality=job.confidentiality,
                    parent=job.parent,
                    rendition_key=state.rendition_key,
                    email_headers=result.metadata,
                    **_resolved_fields(job),
                )
                record = record_pages_set(
                    record=record,
                    actor=job.created_by,
                    pages=[(p.text, p.source, p.confidence) for p in result.pages],
                )
                job.record = record
                job.status = JobStatus.FILED
                job.reason = ""
                job.save(update_fields=["record", "status", "reason", "mime_type", "updated_at"])
        except (IntegrityError, ValidationError) as error:
            # The same bytes filed meanwhile by another upload (the database's constraint, or
            # the record's validation of it, says so): a duplicate, not a rejection.
            existing = _live_record_with(job.sha256)
            if existing is None:
                if isinstance(error, ValidationError):
                    raise Stop(JobStatus.REJECTED, "; ".join(error.messages)) from error
                raise
            if existing.ingestion_jobs.filter(pk=job.pk).exists():
                # Two runs of this same job raced (a recovered job): the other one filed it.
                job.status, job.record, state.record = JobStatus.FILED, existing, existing
                return
            raise Stop(JobStatus.DUPLICATE, _duplicate_reason(existing, job), existing) from error
        state.record = record


class Attachments:
    """Each attachment of an email becomes a child record, through this same pipeline."""

    def run(self, state: FileState) -> None:
        from ingestion.services import ingest_path

        assert state.record is not None
        if not state.result.attachments:
            return
        if state.job.depth >= settings.INGESTION.max_email_depth:
            state.job.reason = _(
                "attachments nested deeper than %(depth)d levels are kept inside this "
                "record's original, not filed separately"
            ) % {"depth": settings.INGESTION.max_email_depth}
            return
        # Attachments take the type the clerk gave the import, unless that was "email".
        child_type = (
            state.job.record_type if state.job.record_type not in ("email", AUTO_TYPE) else "other"
        )
        for attachment in state.result.attachments:
            ingest_path(
                path=attachment.path,
                filename=attachment.name,
                customer=state.job.customer,
                actor=state.job.created_by,
                record_type=child_type,
                document_date=state.record.document_date,
                confidentiality=state.job.confidentiality,
                channel=state.job.channel,
                parent=state.record,
                depth=state.job.depth + 1,
                batch=state.job.batch,
            )


class Inspect:
    """Tell who follows filing (the four-property check of the record just filed, after its
    attachments, which it counts). A fault is recorded and shown on the record, not a reason
    to unfile it; a receiver that fails is logged and left to the scheduled run."""

    def run(self, state: FileState) -> None:
        assert state.record is not None
        for _receiver, outcome in record_filed.send_robust(
            sender=IngestionJob, record=state.record, actor=state.job.created_by
        ):
            if isinstance(outcome, Exception):
                logger.error(
                    "after filing %s: %s",
                    state.record.reference,
                    outcome,
                    exc_info=(type(outcome), outcome, outcome.__traceback__),
                )


STAGES: tuple[Stage, ...] = (
    Preflight(),
    DuplicateCheck(),
    StoreOriginal(),
    Parse(),
    Normalise(),
    FileRecord(),
    Attachments(),
    Inspect(),
)


SUGGEST_PAGES = 3  # a document's date is on its first pages (or it is the last line of a letter)
TITLE_CHARS = 300  # a title taken from the document (a 2 MB subject) is cut to the field's size
EMAIL_TYPES = frozenset({"message/rfc822", "application/vnd.ms-outlook"})


def _title(job: IngestionJob, result: ParseResult) -> str:
    """The clerk's title, else the document's own (see ingestion/suggest.py), else its name."""
    return (
        job.title
        or title_suggest(result.title, _page_one(result), job.original_name, result.heading)
        or job.original_name
    )


def _document_date(job: IngestionJob, result: ParseResult) -> datetime.date:
    """The clerk's date, else the one the file carries (an email's), or its text's, or today."""
    today = timezone.localdate()
    return (
        job.document_date
        or result.document_date
        or date_suggest(
            [_page_one(result), *(page.text for page in result.pages[1:SUGGEST_PAGES])],
            today=today,
        )
        or today
    )


def _page_one(result: ParseResult) -> str:
    """Page 1 line by line, as laid out where the parser kept it."""
    if result.page_one_lines:
        return "\n".join(result.page_one_lines)
    return result.pages[0].text if result.pages else ""


def _record_type(state: FileState) -> str:
    """An email is always an email record, whatever type the import was given; ``auto``:
    the type each file's title names (a batch of mixed documents)."""
    if state.mime_type in EMAIL_TYPES:
        return "email"
    if state.job.record_type == AUTO_TYPE:
        return type_suggest(_title(state.job, state.result), _page_one(state.result))
    return state.job.record_type


def _duplicate_reason(existing: Record, job: IngestionJob) -> str:
    return duplicate_reason(existing, user=job.created_by)


def _live_record_with(sha256: str) -> Record | None:
    return Record.objects.filter(sha256=sha256).exclude(state=RecordState.DESTROYED).first()


def parse_context(work_dir: Path) -> ParseContext:
    return ParseContext(
        work_dir=work_dir,
        ocr_languages=settings.INGESTION.ocr_languages,
        ocr_workers=settings.INGESTION.ocr_workers,
        max_pages=settings.INGESTION.max_pages,
        tesseract_cmd=settings.INGESTION.tesseract_cmd,
        max_pixels=settings.INGESTION.max_image_pixels,
        max_page_points=settings.INGESTION.max_page_points,
        max_email_header_bytes=settings.INGESTION.max_email_header_kb * 1024,
        max_email_parts=settings.INGESTION.max_email_parts,
        max_attachments=settings.INGESTION.max_attachments,
        ocr_timeout=settings.INGESTION.ocr_timeout,
        max_inflate_bytes=settings.INGESTION.max_inflate_mb * 1024 * 1024,
    )


def pipeline_run(job: IngestionJob) -> IngestionJob:
    """Run every stage for one job and record its final state on it."""
    tmp_root = Path(settings.DATA_DIR) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(dir=tmp_root, prefix="ingest-"))
    state = FileState(job=job, path=Path(job.spool_path), context=parse_context(work_dir))
    try:
        for stage in STAGES:
            chaos_point(f"ingest:{type(stage).__name__.lower()}")
            stage.run(state)
    except Stop as stop:
        _undo(state)
        job.status, job.reason = stop.status, stop.reason
        job.record = stop.record
    except Exception as error:  # any failure is shown on the job, which can be retried
        _undo(state)
        message = f"{type(error).__name__}: {error}"[:2000]
        if state.record is not None:
            # Filed already: a later stage (search, attachments) failing does not unfile it.
            job.status, job.record, job.reason = JobStatus.FILED, state.record, message
        else:
            job.status, job.reason = JobStatus.FAILED, message
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    job.save()
    chaos_point("ingest:saved")
    if job.status != JobStatus.FAILED:
        Path(job.spool_path).unlink(missing_ok=True)  # kept only to retry a failure
    return job


def _undo(state: FileState) -> None:
    if state.record is not None:
        return  # filed; a later stage's failure does not unfile it
    if state.stored is not None:
        original_discard(state.stored)
    if (
        state.rendition_created
        and not Record.objects.filter(rendition_key=state.rendition_key).exists()
    ):
        default_storage.delete(state.rendition_key)


def _resolved_fields(job: IngestionJob) -> dict[str, Any]:
    """The job keeps links as ids (JSON); the record wants the objects."""
    fields: dict[str, Any] = dict(job.fields)
    if fields.get("volume"):
        fields["volume"] = Volume.objects.get(pk=fields["volume"])
    if fields.get("complaint"):
        fields["complaint"] = ComplaintCase.objects.get(pk=fields["complaint"])
    return fields
