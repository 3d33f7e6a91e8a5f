"""The one interface every search backend implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from search.types import PageDoc, Results, Scope, SearchQuery

Progress = Callable[[int], None]


class SearchBackend(Protocol):
    def index(self, docs: Sequence[PageDoc]) -> None:
        """Replace every indexed page of the records in ``docs`` with ``docs``."""

    def remove(self, record_ids: Iterable[int]) -> None:
        """Remove every page of these records."""

    def search(self, query: SearchQuery, scope: Scope) -> Results:
        """Hits (one per page) ranked best first, with highlights, facets and the total."""

    def count(self, query: SearchQuery, scope: Scope) -> int:
        """How many pages match, within the scope."""

    def rebuild(self, docs: Iterable[PageDoc], progress: Progress | None = None) -> int:
        """Build a fresh index from ``docs`` and swap it in without downtime; pages indexed."""

    def indexed_records(self) -> set[int]:
        """Ids of every record with pages in the index (for consistency checks)."""

    def clear(self) -> None:
        """Drop everything (tests, and a restore)."""
