"""Searching the archive as a user: their permission scope, the filters, the audit entry.

Every interface (admin page, dossier box, CLI, API) calls ``record_search``; the backend trims
by the user's customers and confidentiality levels inside its query, so totals, facets and
snippets never show what the user may not see *as far as the index knows*. The index can be
behind the database (a change whose index update was lost, a rebuild that read a record
before it was reclassified), so the answer is checked against the database before it is
shown (``_checked_search``):

- records with changes the index may not have yet (pending journal rows) that the user may
  not see now are indexed again first, so totals and facets do not count them;
- every hit's record is looked up in the database: the user must see it now (customer,
  clearance, seal: ``visible_records``), it must be live, and its current customer, type,
  state and date must still satisfy the filters. Hits shown take their reference, title,
  customer, type and date from the database;
- if any hit fails, the index is wrong about that record: it is indexed again from the
  database and the search asked again, so totals and facets are recounted without it (at
  most ``RECHECK_ROUNDS`` times; if the index cannot be repaired the failed hits are dropped
  and subtracted from the total and facets).

Every search is audited (user, query, filters, hit count).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Q

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.indexing import records_pending, records_repair
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.selectors import (
    readable_levels,
    sees_every_customer,
    visible_customers,
    visible_records,
)
from records_dms.audit import events
from records_dms.audit.services import audit_log
from search import Hit, Results, Scope, SearchQuery, get_backend

log = logging.getLogger(__name__)

MAX_LIMIT = 100
MAX_OFFSET = 100_000_000  # hits skipped at most: beyond every archive's size
RECHECK_ROUNDS = 3  # searches asked at most, repairing the index between them


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
    results = _checked_search(user, query)
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


def _current(user: Any, query: SearchQuery, record_ids: set[int]) -> dict[int, Record]:
    """Those of the records the user may see now and that satisfy the query's filters now."""
    records = (Record.objects.all() if user is None else visible_records(user=user)).exclude(
        state=RecordState.DESTROYED
    )
    condition = Q(pk__in=record_ids)
    if query.customer_ids:
        condition &= Q(customer_id__in=query.customer_ids)
    if query.record_types:
        condition &= Q(type__in=query.record_types)
    if query.states:
        condition &= Q(state__in=query.states)
    if query.years:
        condition &= Q(document_date__year__in=query.years)
    if query.date_from is not None:
        condition &= Q(document_date__gte=query.date_from)
    if query.date_to is not None:
        condition &= Q(document_date__lte=query.date_to)
    return {record.pk: record for record in records.filter(condition).select_related("customer")}


def _hidden_pending(user: Any) -> set[int]:
    """Records with changes the index may not have yet that the user may not see now."""
    pending = records_pending()
    if not pending or user is None:
        return set()
    return pending - set(
        visible_records(user=user).filter(pk__in=pending).values_list("pk", flat=True)
    )


def _checked_search(user: Any, query: SearchQuery) -> Results:
    """The backend's answer, checked against the database's current permission data."""
    scope = search_scope(user)
    backend = get_backend()
    hidden = _hidden_pending(user)
    if hidden:
        records_repair(hidden)
    for _round in range(RECHECK_ROUNDS):
        results = backend.search(query, scope)
        current = _current(user, query, {hit.record_id for hit in results.hits})
        stale = {hit.record_id for hit in results.hits} - current.keys()
        if not stale or not records_repair(stale):
            break
    if not stale:
        return _displayed(results, current)
    log.error("search hits of records %s disagree with the database; dropped", sorted(stale))
    return _without(_displayed(results, current), [h for h in results.hits if h.record_id in stale])


def _displayed(results: Results, current: dict[int, Record]) -> Results:
    """The hits of records in ``current``, with the database's metadata."""
    hits = []
    for hit in results.hits:
        record = current.get(hit.record_id)
        if record is not None:
            hits.append(
                replace(
                    hit,
                    reference=record.reference,
                    customer=record.customer.code,
                    record_type=record.type,
                    title=record.title,
                    document_date=record.document_date,
                )
            )
    return Results(hits=hits, total=results.total, facets=results.facets)


def _without(results: Results, dropped: list[Hit]) -> Results:
    """Totals and facets less the dropped hits (when the index could not be repaired)."""
    less: dict[str, Counter[str]] = {"customer": Counter(), "type": Counter(), "year": Counter()}
    for hit in dropped:
        less["customer"][hit.customer] += 1
        less["type"][hit.record_type] += 1
        if hit.document_date is not None:
            less["year"][str(hit.document_date.year)] += 1
    facets = {
        name: {
            key: count - less.get(name, Counter())[str(key)]
            for key, count in values.items()
            if count - less.get(name, Counter())[str(key)] > 0
        }
        for name, values in results.facets.items()
    }
    return Results(hits=results.hits, total=max(0, results.total - len(dropped)), facets=facets)
