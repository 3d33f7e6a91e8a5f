"""The archive's hand-over to the search index: the only place anything of ours feeds `search`.

Nobody calls in here to index. Archive and retention services announce what they change with
``records_changed`` (records_dms/archive/events.py) inside their transaction; ``connect`` (from
the archive's AppConfig.ready) listens:

- each change is journalled (``IndexChange``) in the same transaction, so it commits or rolls
  back with it;
- once the transaction commits, its batch (every record it changed) is read fresh from the
  database and indexed in one backend call (destroyed ones removed in one more): a filing that
  creates a record and sets its pages in one transaction is indexed once; a rolled-back change
  leaves no hit;
- the batch then marks its journal rows done; rows still pending after a crash (a process killed
  between the commit and the index) are replayed by ``index_recover`` when a worker starts.

An index failure never undoes a filing: Django logs it (robust on_commit), the journal keeps
the change pending, and ``index_recover`` or ``dms reindex`` repairs the index.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from records_dms.archive.events import record_changed
from records_dms.archive.models import IndexChange, Record, RecordState
from records_dms.audit import events
from records_dms.audit.services import audit_log
from search import PageDoc, get_backend

# What the index holds of a record (see ``record_docs``), as the names a change reports; a
# change of anything else (volume, location, the dossier's seal, applied from the database at
# query time) needs no index work. "pages" is the pages' text.
INDEXED_FIELDS = frozenset(
    {
        "reference",
        "customer",
        "type",
        "title",
        "document_date",
        "confidentiality",
        "state",
        "original_name",
        "email_headers",
        "pages",
    }
)
log = logging.getLogger(__name__)

CHUNK = 500  # record ids per query (SQLite's variable limit, one index call's size)
JOURNAL_KEPT = datetime.timedelta(days=1)  # done journal rows are trimmed after this
REBUILD_SLACK = datetime.timedelta(minutes=5)  # see search_rebuild


def connect() -> None:
    """Listen to the archive's ``record_changed`` (idempotent)."""
    record_changed.connect(_record_changed, dispatch_uid="records_dms.archive.indexing")


def _record_changed(
    sender: Any,
    *,
    record_ids: tuple[int, ...],
    reason: str,
    fields: frozenset[str] | None,
    withdraw: bool,
    **kwargs: Any,
) -> None:
    if withdraw:
        # Destruction, before its last commit: out of the index now, so a kill between that
        # commit and its on-commit flush cannot leave a destroyed text findable.
        get_backend().remove(record_ids)
        return
    if fields is not None and not fields & INDEXED_FIELDS:
        return
    rows = IndexChange.objects.bulk_create(
        [IndexChange(record_id=pk, reason=reason[:64]) for pk in record_ids]
    )
    batch = _open_batch()
    batch.records.update(record_ids)
    batch.journal.extend(row.pk for row in rows)
    # One callback per change, all sharing the transaction's batch: Django drops those of a
    # savepoint that rolls back, and any one left does the whole batch, once.
    transaction.on_commit(_Flush(batch), robust=True)  # outside a transaction: runs at once


class _Batch:
    """The index work of one transaction: every record it changed and its journal rows."""

    def __init__(self) -> None:
        self.records: set[int] = set()
        self.journal: list[int] = []
        self.done = False

    def flush(self) -> None:
        if self.done:
            return
        self.done = True
        records_index(self.records)
        for start in range(0, len(self.journal), CHUNK):
            chunk = self.journal[start : start + CHUNK]
            IndexChange.objects.filter(pk__in=chunk).update(done=True)


class _Flush:
    """An on-commit callback flushing its transaction's batch (the first one to run does)."""

    def __init__(self, batch: _Batch) -> None:
        self.batch = batch
        self.__qualname__ = "records_dms.archive.indexing.flush"  # what robust on_commit logs

    def __call__(self) -> None:
        self.batch.flush()


def _open_batch() -> _Batch:
    """The batch of the current transaction (found through its callbacks), or a new one."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _Flush) and not callback.batch.done:
                return callback.batch
    return _Batch()


def records_index(record_ids: Iterable[int]) -> int:
    """Bring these records' index entries in line with the database now (fresh reads): live
    ones indexed, destroyed or unknown ones removed; one backend call each per chunk of
    records. How many pages were indexed."""
    ids = sorted(set(record_ids))
    pages = 0
    backend = get_backend()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        live = list(
            Record.objects.filter(pk__in=chunk)
            .exclude(state=RecordState.DESTROYED)
            .select_related("customer")
        )
        docs = [doc for record in live for doc in record_docs(record)]
        gone = set(chunk) - {record.pk for record in live}
        if docs:
            backend.index(docs)
            pages += len(docs)
        if gone:
            backend.remove(gone)
    return pages


def records_repair(record_ids: Iterable[int]) -> bool:
    """Index these records again now because a search found the index disagreeing with the
    database about them; their pending journal rows are done. False if the index failed."""
    ids = sorted(set(record_ids))
    try:
        records_index(ids)
    except Exception:
        log.exception("search index repair of records %s failed", ids[:20])
        return False
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        IndexChange.objects.filter(done=False, record_id__in=chunk).update(done=True)
    log.warning("search index was stale for records %s: indexed again", ids[:20])
    return True


def records_pending(limit: int = 100) -> set[int]:
    """Records whose last change the index may not have yet (journal rows not done)."""
    pending = IndexChange.objects.filter(done=False).order_by("pk")
    return set(pending.values_list("record_id", flat=True)[:limit])


@dataclass(frozen=True)
class IndexDifference:
    record_id: int
    reference: str
    problem: str


def index_differences() -> list[IndexDifference] | None:
    """Live records whose indexed customer, confidentiality or state differs from the
    database's: every record, compared in full. None if the backend cannot list what it holds
    (Elasticsearch, for now)."""
    indexed_meta = getattr(get_backend(), "indexed_meta", None)
    if indexed_meta is None:
        return None
    held: dict[int, set[tuple[int, str, str]]] = indexed_meta()
    found = []
    live = Record.objects.exclude(state=RecordState.DESTROYED).order_by("pk")
    for pk, reference, customer_id, level, state in live.values_list(
        "pk", "reference", "customer_id", "confidentiality", "state"
    ).iterator(chunk_size=2000):
        indexed = held.get(pk)
        if indexed is None or indexed == {(customer_id, level, state)}:
            continue  # a record missing from the index is reported by search_index_verify
        wrong = [
            f"{name} {', '.join(sorted({str(row[i]) for row in indexed}))} in the index,"
            f" {current} in the database"
            for i, (name, current) in enumerate(
                (("customer id", customer_id), ("confidentiality", level), ("state", state))
            )
            if {row[i] for row in indexed} != {current}
        ]
        found.append(IndexDifference(pk, reference, "; ".join(wrong)))
    return found


def indexed_record_ids() -> set[int]:
    """Ids of every record the index holds (for the consistency checks of `dms verify`)."""
    return get_backend().indexed_records()


def record_docs(record: Record) -> list[PageDoc]:
    """What the index holds for a record: one document per page (one empty page if none)."""
    headers = record.email_headers or {}
    meta = " ".join(
        str(part)
        for part in (
            record.reference,
            record.title,
            record.original_name,
            headers.get("subject", ""),
            headers.get("from", ""),
        )
        if part
    )
    pages = list(record.pages.order_by("number").values_list("number", "text")) or [(1, "")]
    return [
        PageDoc(
            record_id=record.pk,
            page=number,
            reference=record.reference,
            customer_id=record.customer_id,
            customer=record.customer.code,
            record_type=record.type,
            title=record.title,
            document_date=record.document_date,
            confidentiality=record.confidentiality,
            state=record.state,
            text=text,
            meta=meta if index == 0 else "",
        )
        for index, (number, text) in enumerate(pages)
    ]


def indexable_docs(batch_size: int = 200) -> Iterator[PageDoc]:
    """Every page of every live record, for a rebuild (streamed, a batch of records at a time)."""
    records = (
        Record.objects.exclude(state=RecordState.DESTROYED)
        .select_related("customer")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(records.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        for record in batch:
            yield from record_docs(record)
        last = batch[-1].pk


def indexable_count() -> int:
    """Pages a rebuild will index (records without pages count as one)."""
    from records_dms.archive.models import Page

    live = Record.objects.exclude(state=RecordState.DESTROYED)
    pages = Page.objects.filter(record__in=live).count()
    return pages + live.filter(pages=None).count()


def search_rebuild(*, actor: Any = None, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database without downtime (``dms reindex``), audited.

    Both backends build a new index and swap it in; what the live index was told meanwhile
    is lost with it, and the new one holds each record as it was when the rebuild read it.
    So every record with a journal row written since the rebuild started (its high-water
    mark, and for safety rows written up to ``REBUILD_SLACK`` before: a PostgreSQL sequence
    hands out ids in order but transactions commit out of it) is read fresh and indexed
    again after the swap: a record reclassified, filed or destroyed during the rebuild is
    indexed as it is now. Changes committed after that replay's read are flushed into the
    new index by their own transaction.
    """
    started = timezone.now()
    mark = _journal_top()
    pages = get_backend().rebuild(indexable_docs(), progress)
    replayed = rebuild_replay(mark, started - REBUILD_SLACK)
    gone = indexed_record_ids() - set(
        Record.objects.exclude(state=RecordState.DESTROYED).values_list("pk", flat=True)
    )
    if gone:
        get_backend().remove(gone)
    journal_trim()
    with transaction.atomic():
        audit_log(
            action=events.SEARCH_REBUILT,
            actor=actor,
            data={"pages": pages, "replayed": replayed},
        )
    return pages


def _journal_top() -> int:
    return IndexChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def rebuild_replay(mark: int, since: datetime.datetime) -> int:
    """Index again every record changed after journal row ``mark`` (or at ``since`` or
    later), read fresh; the journal up to what was read is then done. How many records."""
    top = _journal_top()
    changed = IndexChange.objects.filter(Q(pk__gt=mark) | Q(changed_at__gte=since), pk__lte=top)
    ids = set(changed.values_list("record_id", flat=True))
    records_index(ids)
    # Every change journalled up to ``top`` is in the new index: read by the rebuild (those
    # before it started) or just now.
    IndexChange.objects.filter(done=False, pk__lte=top).update(done=True)
    return len(ids)


def records_reindex(records: Iterable[Record]) -> int:
    """Index these records now (no transaction wait); how many pages."""
    docs = [doc for record in records for doc in record_docs(record)]
    if docs:
        get_backend().index(docs)
    return len(docs)


def index_recover() -> tuple[int, int]:
    """Bring the index in line with the database after a crash (run when a worker starts).

    A process killed between a change's commit and its index update leaves the change pending
    in the journal (a filed record nobody can find, a reclassified record indexed at its old
    level): those records are indexed again now, as is any live record missing from the
    index. Entries of records that are destroyed or unknown are removed. Done journal rows
    older than a day are trimmed. Returns (records indexed, records removed).
    """
    pending = IndexChange.objects.filter(done=False)
    last = pending.order_by("-pk").values_list("pk", flat=True).first()
    changed = set(pending.values_list("record_id", flat=True))
    live = set(Record.objects.exclude(state=RecordState.DESTROYED).values_list("pk", flat=True))
    indexed = indexed_record_ids()
    stale = (live - indexed) | (changed & live)
    gone = indexed - live
    records_index(stale | gone)
    if last is not None:
        IndexChange.objects.filter(done=False, pk__lte=last).update(done=True)
    journal_trim()
    return len(stale), len(gone)


def journal_trim() -> int:
    """Forget done journal rows older than ``JOURNAL_KEPT`` (a rebuild needs only its own)."""
    old = timezone.now() - JOURNAL_KEPT
    deleted, _kinds = IndexChange.objects.filter(done=True, changed_at__lt=old).delete()
    return deleted


def dictionary_load(*, background: bool) -> None:
    """Load the Chinese dictionary now (a worker about to fork) or in the background (the web
    server), so neither the first search nor the first filing pays for it. Only the
    dictionary: a search backend's connections must not be shared across a fork."""
    import threading

    from django.conf import settings

    from search import analysis

    cache_dir = settings.SEARCH_BACKENDS["default"].get("CACHE_DIR")
    analysis.configure(str(cache_dir) if cache_dir else None)
    if background:
        threading.Thread(target=analysis.warm_up, name="search-warm-up", daemon=True).start()
    else:
        analysis.warm_up()


def index_if_empty() -> None:
    """Records filed before this data dir had a search index (an upgrade): index them now."""
    if Record.objects.exists() and not indexed_record_ids():
        print("building the search index…", flush=True)
        search_rebuild()
