"""Request bodies for the Elasticsearch backend, and responses read back, as pure functions.

tests/search/test_elasticsearch_requests.py checks them without a server; the backend
(backend.py) sends them, and tests/search/test_elasticsearch_protocol.py checks what the
official client then puts on the wire.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ... import analysis
from ...types import Hit, PageDoc, Results, Scope, SearchQuery

META_BOOST = 0.6  # the SQLite backend's bm25 weight of reference/title against the text
# A search names its customers' shards only when they are few: routing goes in the URL,
# whose limit is 4 KB (about 800 customer ids), and past a few dozen shards routing saves
# nothing over asking every shard. The customer filter in the body trims either way.
ROUTING_MAX_CUSTOMERS = 32
# from + size beyond this is refused by the server (index.max_result_window); deeper pages
# are walked with search_after in a point in time (backend.py).
MAX_WINDOW = 10_000
FACET_SIZES = {"type": 100, "year": 200}
CUSTOMER_FACET_PAGE = 1000  # buckets per composite page; every customer is counted
SNIPPET = 64  # characters, as search.highlight's window
SORT: list[Any] = ["_score", {"record_id": "asc"}, {"page": "asc"}]
_FACET_FIELDS = {"customer": "customer", "type": "record_type", "year": "year"}
# Hits bring back what the results list shows; the page text stays on the server, the
# snippet comes from the highlighter.
_SOURCE = ["record_id", "page", "reference", "customer", "record_type", "title", "document_date"]
_HIGHLIGHTED = ("text", "text.grams", "meta", "meta.grams")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_EDGE = re.compile(r"[0-9a-z]")
# Marks the highlighter put on the parts of one code (QMS, PM, 31301) or on overlapping
# bigrams become one, as search.highlight merges them. "/" arrives HTML-encoded.
_JOINED_MARKS = re.compile(r"</mark>((?:[-_.: ]|&#x2F;)?)<mark>")


def doc_id(doc: PageDoc) -> str:
    return f"{doc.record_id}-{doc.page}"


def doc_source(doc: PageDoc) -> dict[str, Any]:
    """A page as stored: its fields and the year for facets (the analyzers fold the text)."""
    source: dict[str, Any] = {
        "record_id": doc.record_id,
        "page": doc.page,
        "reference": doc.reference,
        "customer_id": doc.customer_id,
        "customer": doc.customer,
        "record_type": doc.record_type,
        "title": doc.title,
        "document_date": doc.document_date.isoformat() if doc.document_date else None,
        "confidentiality": doc.confidentiality,
        "state": doc.state,
        "text": doc.text,
        "meta": doc.meta,
    }
    if doc.document_date is not None:
        source["year"] = str(doc.document_date.year)
    return source


def bulk_actions(docs: Iterable[PageDoc], index: str) -> Iterator[dict[str, Any]]:
    """``helpers.bulk`` actions indexing ``docs`` into ``index``, routed by customer."""
    for doc in docs:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": doc_id(doc),
            "_routing": str(doc.customer_id),
            "_source": doc_source(doc),
        }


def stale_deletes(
    indexed: Iterable[tuple[str, str | None]], docs: Sequence[PageDoc], index: str
) -> list[dict[str, Any]]:
    """Delete actions for the pages ``indexed`` (id, routing) that ``docs`` do not overwrite:
    pages beyond the new last page, and copies left under another customer's routing."""
    kept = {(doc_id(doc), str(doc.customer_id)) for doc in docs}
    return [
        {"_op_type": "delete", "_index": index, "_id": page_id, "_routing": routing}
        for page_id, routing in sorted(indexed, key=lambda pair: (pair[0], pair[1] or ""))
        if (page_id, routing) not in kept
    ]


def records_query(record_ids: Iterable[int]) -> dict[str, Any]:
    """Every page of these records, on every shard (no routing needed)."""
    return {"terms": {"record_id": sorted(set(record_ids))}}


def phrase_text(words: list[str]) -> str:
    """A term's words as the text to analyse: Chinese joined, Latin words spaced."""
    text = ""
    for word in words:
        if text and _LATIN_EDGE.match(text[-1]) and _LATIN_EDGE.match(word[0]):
            text += " "
        text += word
    return text


def term_query(words: list[str]) -> dict[str, Any]:
    """One term of the query: a phrase in the text or (weighted less) the reference/title.

    The ``grams`` subfields exist only in the smartcn template; on a cjk index those
    clauses match nothing and cost nothing.
    """
    text = phrase_text(words)
    if len(text) == 1 and _CJK_CHAR.match(text):
        # One character: any indexed word (or bigram) starting with it, as SQLite's prefix.
        return _any_of(
            {"prefix": {"text": {"value": text}}},
            {"prefix": {"meta": {"value": text, "boost": META_BOOST}}},
        )
    return _any_of(
        {"match_phrase": {"text": {"query": text}}},
        {"match_phrase": {"text.grams": {"query": text}}},
        {"match_phrase": {"meta": {"query": text, "boost": META_BOOST}}},
        {"match_phrase": {"meta.grams": {"query": text, "boost": META_BOOST}}},
    )


def _any_of(*clauses: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def allowed_customers(query: SearchQuery, scope: Scope) -> frozenset[int] | None:
    """The customers to search: None for all; an empty set means nothing."""
    if scope.customer_ids is None:
        return query.customer_ids or None
    if query.customer_ids:
        return scope.customer_ids & query.customer_ids
    return scope.customer_ids


def search_query(query: SearchQuery, scope: Scope) -> dict[str, Any] | None:
    """The query clause: the terms (all must match), the permission trim and the filters;
    None when nothing can match (no terms, or an empty scope)."""
    terms = analysis.query_terms(query.text)
    customers = allowed_customers(query, scope)
    if not terms or not scope.levels or (customers is not None and not customers):
        return None
    filters: list[dict[str, Any]] = [{"terms": {"confidentiality": sorted(scope.levels)}}]
    if customers is not None:
        filters.append({"terms": {"customer_id": sorted(customers)}})
    for field, values in (
        ("record_type", sorted(query.record_types)),
        ("state", sorted(query.states)),
        ("year", sorted(str(year) for year in query.years)),
    ):
        if values:
            filters.append({"terms": {field: values}})
    dates: dict[str, str] = {}
    if query.date_from is not None:
        dates["gte"] = query.date_from.isoformat()
    if query.date_to is not None:
        dates["lte"] = query.date_to.isoformat()
    if dates:
        filters.append({"range": {"document_date": dates}})
    return {"bool": {"must": [term_query(words) for words in terms], "filter": filters}}


def search_routing(query: SearchQuery, scope: Scope) -> str | None:
    """The shards to ask: those of a few allowed customers, or all (None)."""
    customers = allowed_customers(query, scope)
    if not customers or len(customers) > ROUTING_MAX_CUSTOMERS:
        return None
    return ",".join(str(c) for c in sorted(customers))


def highlight_request() -> dict[str, Any]:
    """The server's highlighter on the stored text: a window of SNIPPET characters, escaped,
    matches in <mark>; the start of the page when only the reference/title matched."""
    fields: dict[str, Any] = {name: {} for name in _HIGHLIGHTED}
    fields["text"] = {"no_match_size": SNIPPET}
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fragment_size": SNIPPET,
        "number_of_fragments": 1,
        "fields": fields,
    }


def customer_facet(after: dict[str, Any] | None = None) -> dict[str, Any]:
    """The customer facet as composite pages: every customer counted, not the first 1,000."""
    composite: dict[str, Any] = {
        "size": CUSTOMER_FACET_PAGE,
        "sources": [{"customer": {"terms": {"field": "customer"}}}],
    }
    if after is not None:
        composite["after"] = after
    return {"composite": composite}


def search_body(query: SearchQuery, scope: Scope) -> dict[str, Any] | None:
    """The whole _search request body; None when nothing can match."""
    clause = search_query(query, scope)
    if clause is None:
        return None
    aggs: dict[str, Any] = {"customer": customer_facet()}
    for name, field in _FACET_FIELDS.items():
        if name != "customer":
            aggs[name] = {"terms": {"field": field, "size": FACET_SIZES[name], "missing": "–"}}
    return {
        "query": clause,
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "sort": SORT,
        "_source": _SOURCE,
        "highlight": highlight_request(),
        "aggs": aggs,
    }


def customer_buckets(aggregation: dict[str, Any]) -> dict[str, int]:
    return {
        str(bucket["key"]["customer"]): int(bucket["doc_count"])
        for bucket in aggregation.get("buckets", [])
    }


def next_customer_page(aggregation: dict[str, Any]) -> dict[str, Any] | None:
    """The composite ``after`` key when more customers follow this page, else None."""
    after = aggregation.get("after_key")
    full = len(aggregation.get("buckets", [])) >= CUSTOMER_FACET_PAGE
    return after if after is not None and full else None


def results_from(response: dict[str, Any], query: SearchQuery) -> Results:
    """Hits, total and facets out of a _search response."""
    hits = [hit_from(item) for item in response["hits"]["hits"]]
    aggregations = response.get("aggregations", {})
    facets = {"customer": customer_buckets(aggregations.get("customer", {}))}
    for name in _FACET_FIELDS:
        if name != "customer":
            facets[name] = {
                str(bucket["key"]): int(bucket["doc_count"])
                for bucket in aggregations.get(name, {}).get("buckets", [])
            }
    return Results(hits=hits, total=int(response["hits"]["total"]["value"]), facets=facets)


def snippet_from(item: dict[str, Any]) -> str:
    """The highlighted window of the text, else of the reference/title, else the page's start."""
    fragments = item.get("highlight", {})
    for name in _HIGHLIGHTED:
        for fragment in fragments.get(name, []):
            if "<mark>" in fragment:
                return str(_JOINED_MARKS.sub(r"\1", fragment))
    return str((fragments.get("text") or [""])[0])


def hit_from(item: dict[str, Any]) -> Hit:
    source = item["_source"]
    date = source.get("document_date")
    return Hit(
        record_id=int(source["record_id"]),
        page=int(source["page"]),
        reference=source["reference"],
        customer=source["customer"],
        record_type=source["record_type"],
        title=source["title"],
        document_date=datetime.date.fromisoformat(date) if date else None,
        score=float(item.get("_score") or 0.0),
        snippet=snippet_from(item),
    )


def first_index_name(index: str) -> str:
    """The concrete index every starter on an empty cluster tries to create: one name, so
    only one creation can succeed. It sorts before every ``concrete_name``."""
    return f"{index}-00000000000000000000"


def concrete_name(index: str, now: datetime.datetime | None = None) -> str:
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{index}-{stamp}"
