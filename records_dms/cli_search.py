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
