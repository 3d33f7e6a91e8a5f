"""Searching the archive as a user: their permission scope, the filters, the audit entry.

Every interface (admin page, dossier box, CLI, API) calls ``record_search``; the backend trims
by the user's customers and confidentiality levels inside its query, so totals, facets and
snippets never show what the user may not see. Every search is audited (user, query, filters,
hit count).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer
from records_dms.archive.selectors import readable_levels, sees_every_customer, visible_customers
from records_dms.audit import events
from records_dms.audit.services import audit_log
from search import Results, Scope, SearchQuery, get_backend

MAX_LIMIT = 100
MAX_OFFSET = 100_000_000  # hits skipped at most: beyond every archive's size


@dataclass(frozen=True)
class SearchFilters:
    customers: tuple[str, ...] = ()  # customer codes
    record_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            key: list(value)
            for key, value in (
                ("customers", self.customers),
                ("types", self.record_types),
                ("states", self.states),
                ("years", self.years),
            )
            if value
        }
        if self.date_from:
            data["date_from"] = self.date_from.isoformat()
        if self.date_to:
            data["date_to"] = self.date_to.isoformat()
        return data


@dataclass
class SearchPage:
    text: str
    filters: SearchFilters
    results: Results
    limit: int
    offset: int
    customer_ids: dict[str, int] = field(default_factory=dict)  # code → id of facet customers


def search_scope(user: Any) -> Scope:
    """The user's scope; no user is the operator at the command line, who sees everything."""
    if user is None:
        return Scope(customer_ids=None, levels=frozenset(Confidentiality.values))
    levels = readable_levels(user)
    if not levels:
        return Scope(customer_ids=frozenset(), levels=frozenset())
    if sees_every_customer(user):
        return Scope(customer_ids=None, levels=levels)
    ids = frozenset(visible_customers(user=user).values_list("pk", flat=True))
    return Scope(customer_ids=ids, levels=levels)


def record_search(
    *,
    user: Any,
    text: str,
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Pages matching ``text`` that ``user`` may see, best first, audited."""
    filters = filters or SearchFilters()
    limit = max(1, min(limit, MAX_LIMIT))
    # Past MAX_OFFSET there is nothing in any archive; a bigger number (?p=10**20 typed in the
    # address bar) reached the backend and overflowed SQLite's integers (a 500).
    offset = max(0, min(offset, MAX_OFFSET))
    customer_ids = (
        frozenset(Customer.objects.filter(code__in=filters.customers).values_list("pk", flat=True))
        if filters.customers
        else frozenset()
    )
    if filters.customers and not customer_ids:
        customer_ids = frozenset({0})  # unknown codes: match nothing, and say nothing more
    query = SearchQuery(
        text=text,
        customer_ids=customer_ids,
        record_types=frozenset(filters.record_types),
        states=frozenset(filters.states),
        years=frozenset(filters.years),
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=limit,
        offset=offset,
    )
    results = get_backend().search(query, search_scope(user))
    with transaction.atomic():
        audit_log(
            action=events.SEARCHED,
            actor=user,
            customer_code=filters.customers[0] if len(filters.customers) == 1 else "",
            data={"query": text, "filters": filters.as_data(), "hits": results.total},
        )
    codes = set(results.facets.get("customer", {}))
    ids = dict(Customer.objects.filter(code__in=codes).values_list("code", "pk"))
    return SearchPage(
        text=text, filters=filters, results=results, limit=limit, offset=offset, customer_ids=ids
    )
