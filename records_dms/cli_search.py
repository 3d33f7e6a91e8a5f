"""`dms search` and `dms reindex`."""

from __future__ import annotations

import argparse
from typing import Any


def add_search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", help='words, "a phrase", a code such as QMS-PM-31301')
    search.add_argument("--customer", action="append", default=[], help="customer code")
    search.add_argument("--type", action="append", default=[], help="record type")
    search.add_argument("--limit", type=int, default=20)


def run_search(args: argparse.Namespace, actor: Any) -> list[dict[str, Any]]:
    from records_dms.archive.searching import SearchFilters, record_search

    page = record_search(
        user=actor,
        text=args.query,
        filters=SearchFilters(
            customers=tuple(code.upper() for code in args.customer),
            record_types=tuple(args.type),
        ),
        limit=args.limit,
    )
    return [
        {
            "reference": hit.reference,
            "customer": hit.customer,
            "type": hit.record_type,
            "title": hit.title,
            "page": hit.page,
            "score": round(hit.score, 4),
            "snippet": hit.snippet,
        }
        for hit in page.results.hits
    ]


def run_reindex(args: argparse.Namespace, actor: Any) -> dict[str, int]:
    from records_dms.archive.indexing import indexable_count, search_rebuild

    from .cli_import import Progress

    progress = Progress(indexable_count(), enabled=not args.json)
    pages = search_rebuild(actor=actor, progress=lambda count: progress.step("", count))
    return {"pages": pages}


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
    from records_dms.archive.indexing import search_rebuild
    from records_dms.archive.models import Record
    from search import get_backend

    if Record.objects.exists() and not get_backend().indexed_records():
        print("building the search index…", flush=True)
        search_rebuild()
