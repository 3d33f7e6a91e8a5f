"""The hand-over to the search index.

The search package (issue #4) provides the index; until then filing calls this no-op, so the
pipeline's order and the call site are already in place.
"""

from __future__ import annotations

from records_dms.archive.models import Record


def index_record(record: Record) -> None:
    """Index a filed record's pages (no search backend yet)."""
    return None
