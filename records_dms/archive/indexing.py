"""The archive's hand-over to the search index: the only place the domain calls `search`.

Filing calls ``record_index`` after a record's pages are stored; destruction and removal call
``record_unindex`` in the same operation. Until the search package (issue #4) lands both are
no-ops, so the call sites are already in place.
"""

from __future__ import annotations

from .models import Record


def record_index(record: Record) -> None:
    """(Re)index a filed record's pages: its metadata and each page's text."""
    return None


def record_unindex(record: Record) -> None:
    """Remove every page of a record from the search index."""
    return None
