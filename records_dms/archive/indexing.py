"""The archive's hand-over to the search index: the only place the domain feeds `search`.

Filing and metadata changes call ``record_index``; destruction calls ``record_unindex``. Both
act once the caller's transaction commits (a rolled-back filing leaves no hit behind) and
read the record fresh from the database then, so the index shows what was committed. An
index failure never undoes a filing: Django logs it (robust on_commit), and ``dms reindex``
repairs the index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from records_dms.archive.models import Record, RecordState
from records_dms.audit import events
from records_dms.audit.services import audit_log
from search import PageDoc, get_backend


def record_index(record: Record) -> None:
    """(Re)index a record's pages, with its metadata, once the current transaction commits."""
    record_id = record.pk

    def index_record() -> None:  # a named function: robust on_commit logs its __qualname__
        _index_now(record_id)

    transaction.on_commit(index_record, robust=True)


def record_unindex(record: Record) -> None:
    """Remove every page of a record from the index, once the current transaction commits."""
    record_id = record.pk

    def unindex_record() -> None:
        _unindex_now(record_id)

    transaction.on_commit(unindex_record, robust=True)


def _index_now(record_id: int) -> None:
    record = Record.objects.select_related("customer").filter(pk=record_id).first()
    if record is None or record.state == RecordState.DESTROYED:
        _unindex_now(record_id)
        return
    get_backend().index(record_docs(record))


def _unindex_now(record_id: int) -> None:
    get_backend().remove([record_id])


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

    Records filed or destroyed while it runs are re-applied after the swap, so none is lost.
    """
    started = timezone.now()
    pages = get_backend().rebuild(indexable_docs(), progress)
    changed = Record.objects.filter(created_at__gte=started).select_related("customer")
    records_reindex(changed.exclude(state=RecordState.DESTROYED))
    gone = set(get_backend().indexed_records()) - set(
        Record.objects.exclude(state=RecordState.DESTROYED).values_list("pk", flat=True)
    )
    get_backend().remove(gone)
    with transaction.atomic():
        audit_log(action=events.SEARCH_REBUILT, actor=actor, data={"pages": pages})
    return pages


def records_reindex(records: Iterable[Record]) -> int:
    """Index these records now (no transaction wait); how many pages."""
    docs = [doc for record in records for doc in record_docs(record)]
    if docs:
        get_backend().index(docs)
    return len(docs)


def index_recover(batch_size: int = 500) -> tuple[int, int]:
    """Bring the index in line with the database after a crash (run when a worker starts).

    A process killed between filing a record and indexing it leaves a filed record nobody can
    find; it is indexed now. Entries of records that are destroyed or unknown are removed.
    Returns (records indexed, records removed).
    """
    live = set(Record.objects.exclude(state=RecordState.DESTROYED).values_list("pk", flat=True))
    indexed = set(get_backend().indexed_records())
    missing = sorted(live - indexed)
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        records_reindex(Record.objects.filter(pk__in=chunk).select_related("customer"))
    gone = indexed - live
    if gone:
        get_backend().remove(gone)
    return len(missing), len(gone)


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
    from records_dms.archive.models import Record
    from search import get_backend

    if Record.objects.exists() and not get_backend().indexed_records():
        print("building the search index…", flush=True)
        search_rebuild()
