"""The Elasticsearch backend's requests, built without a server (the conformance suite runs
the real thing when DMS_ELASTICSEARCH_URL is set)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from search.backends import elasticsearch as es
from search.types import PageDoc, Scope, SearchQuery

INFRA = Path(__file__).resolve().parents[2] / "infra" / "elasticsearch"
ALL = Scope(customer_ids=None, levels=frozenset({"internal", "confidential", "secret"}))


def page(record_id: int = 7, number: int = 1, customer_id: int = 3, **fields: Any) -> PageDoc:
    values: dict[str, Any] = {
        "reference": f"KH-0101-2024-{record_id:04d}",
        "customer": "KH-0101",
        "record_type": "complaint",
        "title": "顾客投诉登记",
        "document_date": datetime.date(2024, 5, 6),
        "confidentiality": "internal",
        "state": "filed",
        "text": "顧客檔案 QMS-PM-31301",
        "meta": "",
    }
    values.update(fields)
    return PageDoc(record_id=record_id, page=number, customer_id=customer_id, **values)


def filters(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body["query"]["bool"]["filter"])


def phrases(body: dict[str, Any]) -> list[str]:
    """The text each term asks of the page text (match_phrase or prefix)."""
    found = []
    for term in body["query"]["bool"]["must"]:
        clause = term["bool"]["should"][0]
        kind = next(iter(clause))
        value = clause[kind]["text_folded"]
        found.append(f"{kind}:{value.get('query', value.get('value'))}")
    return found


@pytest.mark.parametrize(("chinese", "name"), sorted(es.TEMPLATE_FILES.items()))
def test_the_template_in_infra_is_the_one_the_backend_puts(chinese: str, name: str) -> None:
    assert (INFRA / name).read_text("utf-8") == es.template_json(chinese)
    assert json.loads((INFRA / name).read_text("utf-8")) == es.index_template("dms-pages", chinese)


def test_the_template_analyses_chinese_with_bigrams_or_smartcn_and_searches_folded_copies() -> None:
    cjk = es.index_template("dms-pages", "cjk")["template"]
    analyzer = cjk["settings"]["analysis"]["analyzer"][es.ANALYZER]
    assert analyzer["tokenizer"] == "standard" and "cjk_bigram" in analyzer["filter"]
    smartcn = es.index_template("dms-pages", "smartcn")["template"]
    assert smartcn["settings"]["analysis"]["analyzer"][es.ANALYZER]["tokenizer"] == (
        "smartcn_tokenizer"
    )
    mappings = cjk["mappings"]
    assert mappings["_routing"] == {"required": True}
    assert mappings["properties"]["text_folded"]["analyzer"] == es.ANALYZER
    assert mappings["properties"]["text"]["index"] is False  # shown, not searched
    assert set(mappings["_source"]["excludes"]) == {"text_folded", "meta_folded"}
    assert es.index_template("prod-pages")["index_patterns"] == ["prod-pages-*"]
    with pytest.raises(ValueError, match="chinese"):
        es.index_template("dms-pages", "ik")


def test_bulk_actions_route_by_customer_and_index_a_folded_copy() -> None:
    [action] = es.bulk_actions([page(meta="KH-0101-2024-0007 ＡＢＣ")], "dms-pages-1")
    assert action["_index"] == "dms-pages-1"
    assert action["_id"] == "7-1"
    assert action["_routing"] == "3"
    source = action["_source"]
    assert source["text"] == "顧客檔案 QMS-PM-31301"  # the original, for display
    assert source["text_folded"] == "顾客档案 qms-pm-31301"  # traditional, case folded
    assert source["meta_folded"] == "kh-0101-2024-0007 abc"  # full-width folded
    assert source["year"] == "2024" and source["document_date"] == "2024-05-06"
    [undated] = es.bulk_actions([page(document_date=None)], "i")
    assert "year" not in undated["_source"] and undated["_source"]["document_date"] is None


def test_reindexing_a_record_deletes_only_the_pages_not_overwritten() -> None:
    query = es.stale_pages_query([page(7, 1), page(7, 2), page(9, 1, customer_id=4)])
    assert query["bool"]["filter"] == [{"terms": {"record_id": [7, 9]}}]
    kept = query["bool"]["must_not"]
    assert {"ids": {"values": ["7-1", "7-2"]}} in kept[0]["bool"]["filter"]
    assert {"term": {"customer_id": 3}} in kept[0]["bool"]["filter"]
    assert {"ids": {"values": ["9-1"]}} in kept[1]["bool"]["filter"]


def test_removal_finds_a_records_pages_on_every_shard() -> None:
    assert es.records_query([5, 3, 5]) == {"terms": {"record_id": [3, 5]}}


def test_each_term_is_a_phrase_of_the_folded_query_and_codes_keep_their_parts() -> None:
    body = es.search_body(SearchQuery(text="保存期限 QMS-PM-31301 顧客檔案 Audit"), ALL)
    assert body is not None
    assert phrases(body) == [
        "match_phrase:保存期限",
        "match_phrase:qms pm 31301",
        "match_phrase:顾客档案",
        "match_phrase:audit",
    ]
    meta = body["query"]["bool"]["must"][0]["bool"]["should"][1]["match_phrase"]["meta_folded"]
    assert meta["boost"] == es.META_BOOST


def test_a_quoted_phrase_is_one_term_and_a_single_character_a_prefix() -> None:
    body = es.search_body(SearchQuery(text='"保存 期限" 档'), ALL)
    assert body is not None
    assert phrases(body) == ["match_phrase:保存期限", "prefix:档"]


def test_phrase_text_spaces_latin_words_and_joins_chinese() -> None:
    assert es.phrase_text(["保存", "期限"]) == "保存期限"
    assert es.phrase_text(["iso", "9001"]) == "iso 9001"
    assert es.phrase_text(["依据", "qms", "pm"]) == "依据qms pm"


def test_the_permission_trim_is_a_filter_inside_the_query() -> None:
    staff = Scope(customer_ids=frozenset({3, 4}), levels=frozenset({"internal"}))
    body = es.search_body(SearchQuery(text="投诉"), staff)
    assert body is not None
    assert {"terms": {"customer_id": [3, 4]}} in filters(body)
    assert {"terms": {"confidentiality": ["internal"]}} in filters(body)
    assert es.search_routing(SearchQuery(text="投诉"), staff) == "3,4"


def test_an_auditor_has_no_customer_filter_and_asks_every_shard() -> None:
    body = es.search_body(SearchQuery(text="投诉"), ALL)
    assert body is not None
    assert not any("customer_id" in clause.get("terms", {}) for clause in filters(body))
    assert es.search_routing(SearchQuery(text="投诉"), ALL) is None


def test_a_customer_filter_is_intersected_with_the_scope() -> None:
    staff = Scope(customer_ids=frozenset({3, 4}), levels=frozenset({"internal"}))
    wanted = SearchQuery(text="投诉", customer_ids=frozenset({4, 5}))
    body = es.search_body(wanted, staff)
    assert body is not None and {"terms": {"customer_id": [4]}} in filters(body)
    assert es.search_routing(wanted, staff) == "4"
    outside = SearchQuery(text="投诉", customer_ids=frozenset({5}))
    assert es.search_body(outside, staff) is None
    auditor_filter = es.search_body(wanted, ALL)
    assert auditor_filter is not None
    assert {"terms": {"customer_id": [4, 5]}} in filters(auditor_filter)


def test_an_empty_scope_or_an_empty_query_asks_nothing() -> None:
    assert es.search_body(SearchQuery(text="投诉"), Scope(frozenset(), ALL.levels)) is None
    assert es.search_body(SearchQuery(text="投诉"), Scope(None, frozenset())) is None
    assert es.search_body(SearchQuery(text="  ,。 "), ALL) is None
    assert es.search_query(SearchQuery(text="投诉"), Scope(frozenset(), ALL.levels)) is None


def test_filters_type_state_year_and_dates() -> None:
    query = SearchQuery(
        text="投诉",
        record_types=frozenset({"complaint", "minutes"}),
        states=frozenset({"filed"}),
        years=frozenset({2024, 2023}),
        date_from=datetime.date(2023, 1, 1),
        date_to=datetime.date(2024, 12, 31),
    )
    body = es.search_body(query, ALL)
    assert body is not None
    assert {"terms": {"record_type": ["complaint", "minutes"]}} in filters(body)
    assert {"terms": {"state": ["filed"]}} in filters(body)
    assert {"terms": {"year": ["2023", "2024"]}} in filters(body)
    assert {"range": {"document_date": {"gte": "2023-01-01", "lte": "2024-12-31"}}} in filters(body)


def test_paging_totals_and_facets_are_asked_for() -> None:
    body = es.search_body(SearchQuery(text="投诉", limit=10, offset=30), ALL)
    assert body is not None
    assert (body["from"], body["size"], body["track_total_hits"]) == (30, 10, True)
    assert body["sort"][0] == "_score"
    assert body["aggs"]["customer"]["terms"]["field"] == "customer"
    assert body["aggs"]["type"]["terms"]["field"] == "record_type"
    assert body["aggs"]["year"]["terms"]["field"] == "year"
    assert "text_folded" not in body["_source"]


def test_a_response_becomes_hits_with_escaped_highlights_total_and_facets() -> None:
    response = {
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "hits": [
                {
                    "_score": 3.5,
                    "_source": {
                        "record_id": 7,
                        "page": 2,
                        "reference": "KH-0101-2024-0007",
                        "customer": "KH-0101",
                        "record_type": "complaint",
                        "title": "顾客投诉登记",
                        "document_date": "2024-05-06",
                        "text": "<b>顧客檔案</b>保存期限为3年",
                        "meta": "",
                    },
                }
            ],
        },
        "aggregations": {
            "customer": {"buckets": [{"key": "KH-0101", "doc_count": 40}]},
            "type": {"buckets": [{"key": "complaint", "doc_count": 42}]},
            "year": {"buckets": [{"key": "2024", "doc_count": 41}, {"key": "–", "doc_count": 1}]},
        },
    }
    results = es.results_from(response, SearchQuery(text="顾客档案"))
    assert results.total == 42
    assert results.facets == {
        "customer": {"KH-0101": 40},
        "type": {"complaint": 42},
        "year": {"2024": 41, "–": 1},
    }
    [hit] = results.hits
    assert (hit.record_id, hit.page, hit.score) == (7, 2, 3.5)
    assert hit.document_date == datetime.date(2024, 5, 6)
    assert "<mark>顧客檔案</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet and "<b>" not in hit.snippet


def test_a_new_concrete_index_gets_a_sortable_timestamped_name() -> None:
    first = es.concrete_name("dms-pages", datetime.datetime(2026, 1, 2, 3, 4, 5, 6, datetime.UTC))
    assert first == "dms-pages-20260102030405000006"
    assert es.concrete_name("dms-pages") > first
