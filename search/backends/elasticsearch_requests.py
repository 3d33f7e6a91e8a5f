"""Request bodies for the Elasticsearch backend, built by pure functions.

tests/search/test_elasticsearch_requests.py checks them without a server; the backend
(elasticsearch.py) only sends them.
"""

from __future__ import annotations

import datetime
import html
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from search import analysis
from search.highlight import highlight
from search.types import Hit, PageDoc, Results, Scope, SearchQuery

ANALYZER = "dms_zh"
CHINESE = ("cjk", "smartcn")
META_BOOST = 0.6  # the SQLite backend's bm25 weight of reference/title against the text
FACET_SIZES = {"customer": 1000, "type": 100, "year": 200}
_FACET_FIELDS = {"customer": "customer", "type": "record_type", "year": "year"}
_SOURCE = [
    "record_id", "page", "reference", "customer", "record_type", "title", "document_date",
    "text", "meta",
]  # fmt: skip
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_EDGE = re.compile(r"[0-9a-z]")


# Pure request building ------------------------------------------------------------------


def index_template(index: str = "dms-pages", chinese: str = "cjk") -> dict[str, Any]:
    """The index template for the concrete indices ``<index>-*`` (PUT _index_template/<index>).

    ``chinese``: "cjk" (built-in bigrams, any server) or "smartcn" (the analysis-smartcn
    plugin's word segmentation).
    """
    if chinese not in CHINESE:
        raise ValueError(f"chinese must be one of {CHINESE}, not {chinese!r}")
    if chinese == "smartcn":
        analyzer = {
            "type": "custom",
            "tokenizer": "smartcn_tokenizer",
            "filter": ["cjk_width", "lowercase"],
        }
    else:
        analyzer = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram"],
        }
    searched = {"type": "text", "analyzer": ANALYZER}
    return {
        "index_patterns": [f"{index}-*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "analysis": {"analyzer": {ANALYZER: analyzer}},
            },
            "mappings": {
                "dynamic": "strict",
                "_routing": {"required": True},  # the customer id
                "_source": {"excludes": ["text_folded", "meta_folded"]},
                "properties": {
                    "record_id": {"type": "long"},
                    "page": {"type": "integer"},
                    "reference": {"type": "keyword"},
                    "customer_id": {"type": "long"},
                    "customer": {"type": "keyword"},
                    "record_type": {"type": "keyword"},
                    "title": {"type": "keyword", "index": False, "doc_values": False},
                    "document_date": {"type": "date", "format": "strict_date"},
                    "year": {"type": "keyword"},
                    "confidentiality": {"type": "keyword"},
                    "state": {"type": "keyword"},
                    # The original text is kept for display; the folded copy is searched.
                    "text": {"type": "text", "index": False},
                    "meta": {"type": "text", "index": False},
                    "text_folded": searched,
                    "meta_folded": searched,
                },
            },
        },
    }


def doc_id(doc: PageDoc) -> str:
    return f"{doc.record_id}-{doc.page}"


def doc_source(doc: PageDoc) -> dict[str, Any]:
    """A page as stored: its fields, the year for facets, the folded copies for searching."""
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
        "text_folded": analysis.fold(doc.text),
        "meta_folded": analysis.fold(doc.meta),
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


def stale_pages_query(docs: Sequence[PageDoc]) -> dict[str, Any]:
    """Pages of these records that ``docs`` do not replace (fewer pages now, or moved)."""
    keep: dict[tuple[int, int], list[str]] = {}
    for doc in docs:
        keep.setdefault((doc.record_id, doc.customer_id), []).append(doc_id(doc))
    return {
        "bool": {
            "filter": [{"terms": {"record_id": sorted({doc.record_id for doc in docs})}}],
            "must_not": [
                {
                    "bool": {
                        "filter": [
                            {"ids": {"values": sorted(ids)}},
                            {"term": {"customer_id": customer_id}},
                        ]
                    }
                }
                for (_record_id, customer_id), ids in sorted(keep.items())
            ],
        }
    }


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
    """One term of the query: a phrase in the text or (weighted less) the reference/title."""
    text = phrase_text(words)
    if len(text) == 1 and _CJK_CHAR.match(text):
        # One character: any indexed word (or bigram) starting with it, as SQLite's prefix.
        clauses: list[dict[str, Any]] = [
            {"prefix": {"text_folded": {"value": text}}},
            {"prefix": {"meta_folded": {"value": text, "boost": META_BOOST}}},
        ]
    else:
        clauses = [
            {"match_phrase": {"text_folded": {"query": text}}},
            {"match_phrase": {"meta_folded": {"query": text, "boost": META_BOOST}}},
        ]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


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
    """The shards to ask: those of the allowed customers, or all (None)."""
    customers = allowed_customers(query, scope)
    return ",".join(str(c) for c in sorted(customers)) if customers else None


def search_body(query: SearchQuery, scope: Scope) -> dict[str, Any] | None:
    """The whole _search request body; None when nothing can match."""
    clause = search_query(query, scope)
    if clause is None:
        return None
    return {
        "query": clause,
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "sort": ["_score", {"record_id": "asc"}, {"page": "asc"}],
        "_source": _SOURCE,
        "aggs": {
            name: {"terms": {"field": field, "size": FACET_SIZES[name], "missing": "–"}}
            for name, field in _FACET_FIELDS.items()
        },
    }


def results_from(response: dict[str, Any], query: SearchQuery) -> Results:
    """Hits, total and facets out of a _search response (highlights made here)."""
    terms = analysis.query_terms(query.text)
    hits = [hit_from(item, terms) for item in response["hits"]["hits"]]
    aggregations = response.get("aggregations", {})
    facets = {
        name: {
            str(bucket["key"]): int(bucket["doc_count"])
            for bucket in aggregations.get(name, {}).get("buckets", [])
        }
        for name in _FACET_FIELDS
    }
    return Results(hits=hits, total=int(response["hits"]["total"]["value"]), facets=facets)


def hit_from(item: dict[str, Any], terms: list[list[str]]) -> Hit:
    source = item["_source"]
    text, meta = source.get("text") or "", source.get("meta") or ""
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
        snippet=highlight(text, terms) or highlight(meta, terms) or html.escape(text[:64]),
    )


def concrete_name(index: str, now: datetime.datetime | None = None) -> str:
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{index}-{stamp}"


TEMPLATE_FILES = {"cjk": "index-template.json", "smartcn": "index-template-smartcn.json"}


def template_json(chinese: str = "cjk", index: str = "dms-pages") -> str:
    """The template as infra/elasticsearch/ holds it (a test keeps the two equal)."""
    return json.dumps(index_template(index, chinese), indent=2, ensure_ascii=False) + "\n"
