"""What travels between the archive and a search backend. Plain data, no Django models."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageDoc:
    """One page of a record as the index sees it (a record without text is one empty page)."""

    record_id: int
    page: int
    reference: str
    customer_id: int
    customer: str  # the customer's code, for display and facets
    record_type: str
    title: str
    document_date: datetime.date | None
    confidentiality: str
    state: str
    text: str
    meta: str = ""  # reference, title, file name: searchable on the record's first page


@dataclass(frozen=True)
class Scope:
    """What the asking user may see: trimmed inside the query, so counts never leak.

    ``customer_ids`` None means every customer; an empty set means nothing at all.
    """

    customer_ids: frozenset[int] | None
    levels: frozenset[str]


@dataclass(frozen=True)
class SearchQuery:
    text: str
    customer_ids: frozenset[int] = frozenset()  # filters: empty means no filter
    record_types: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Hit:
    record_id: int
    page: int
    reference: str
    customer: str
    record_type: str
    title: str
    document_date: datetime.date | None
    score: float
    snippet: str  # HTML: text escaped, matches in <mark>


@dataclass
class Results:
    hits: list[Hit]
    total: int  # matching pages the user may see
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # customer, type, year


class SearchUnavailable(Exception):
    """The backend cannot answer (server down, index missing); the message says why."""
