"""The Elasticsearch backend's request bodies and response reading, built without a server
(test_elasticsearch_protocol.py checks what the client sends; the conformance suite runs
the real thing when DMS_ELASTICSEARCH_URL is set)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from search import analysis
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
        value = clause[kind]["text"]
        found.append(f"{kind}:{value.get('query', value.get('value'))}")
    return found


@pytest.mark.parametrize(("chinese", "name"), sorted(es.TEMPLATE_FILES.items()))
def test_the_template_in_infra_is_the_one_the_backend_puts(chinese: str, name: str) -> None:
    assert (INFRA / name).read_text("utf-8") == es.template_json(chinese)
    assert json.loads((INFRA / name).read_text("utf-8")) == es.index_template("dms-pages", chinese)


def test_the_template_analyses_chinese_with_bigrams_or_smartcn_and_folds_the_text() -> None:
    cjk = es.index_template("dms-pages", "cjk")["template"]
    analyzer = cjk["settings"]["analysis"]["analyzer"][es.ANALYZER]
    assert analyzer["tokenizer"] == "standard" and "cjk_bigram" in analyzer["filter"]
    assert analyzer["char_filter"] == ["dms_fold"]
    smartcn = es.index_template("dms-pages", "smartcn")["template"]
    analyzers = smartcn["settings"]["analysis"]["analyzer"]
    assert analyzers[es.ANALYZER]["tokenizer"] == "smartcn_tokenizer"
    # Words inside words (碎纸 in 碎纸机): a bigram subfield beside smartcn's words.
    grams = smartcn["mappings"]["properties"]["text"]["fields"]["grams"]
    assert "cjk_bigram" in analyzers[grams["analyzer"]]["filter"]
    assert "fields" not in cjk["mappings"]["properties"]["text"]  # bigrams already
    mappings = cjk["mappings"]
    assert mappings["_routing"] == {"required": True}
    assert mappings["properties"]["text"]["analyzer"] == es.ANALYZER  # searched and shown
    assert "text_folded" not in mappings["properties"]
    assert es.index_template("prod-pages")["index_patterns"] == ["prod-pages-*"]
    with pytest.raises(ValueError, match="chinese"):
        es.index_template("dms-pages", "ik")


def _apply_fold_rules(text: str) -> str:
    """What the template's mapping char filter and lowercase filter make of ``text``."""
    rules = es.index_template()["template"]["settings"]["analysis"]["char_filter"]
    table: dict[str, str] = {}
    for rule in rules["dms_fold"]["mappings"]:
        key, value = (
            part.encode("ascii", "backslashreplace").decode("unicode_escape")
            for part in rule.split(" => ")
        )
        table[key] = value
    return "".join(table.get(char, char) for char in text).lower()


def test_the_servers_folding_agrees_with_the_folding_of_queries() -> None:
    text = "顧客檔案管理制度 ＱＭＳ－ＰＭ－３１３０２　ＡＢＣ 碎紙機 客戶信息"
    assert (
        _apply_fold_rules(text)
        == analysis.fold(text)
        == ("顾客档案管理制度 qms-pm-31302 abc 碎纸机 客户信息")
    )


def test_bulk_actions_route_by_customer_and_keep_the_text_as_written() -> None:
    [action] = es.bulk_actions([page(meta="KH-0101-2024-0007 ＡＢＣ")], "dms-pages-1")
    assert action["_index"] == "dms-pages-1"
    assert action["_id"] == "7-1"
    assert action["_routing"] == "3"
    source = action["_source"]
    assert source["text"] == "顧客檔案 QMS-PM-31301"  # the analyzer folds, the highlight shows
    assert source["meta"] == "KH-0101-2024-0007 ＡＢＣ"
    assert not any(name.endswith("_folded") for name in source)  # the text is stored once
    assert source["year"] == "2024" and source["document_date"] == "2024-05-06"
    [undated] = es.bulk_actions([page(document_date=None)], "i")
    assert "year" not in undated["_source"] and undated["_source"]["document_date"] is None


def test_reindexing_a_record_deletes_only_the_pages_not_overwritten() -> None:
    indexed = {("7-1", "3"), ("7-2", "3"), ("7-3", "3"), ("7-1", "9"), ("9-1", "4")}
    deletes = es.stale_deletes(indexed, [page(7, 1), page(7, 2), page(9, 1, customer_id=4)], "a")
    assert [(d["_id"], d["_routing"]) for d in deletes] == [("7-1", "9"), ("7-3", "3")]
    assert {d["_op_type"] for d in deletes} == {"delete"}
    assert len(es.stale_deletes(indexed, [], "a")) == len(indexed)  # removal: all of them


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
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert [next(iter(c["match_phrase"])) for c in should] == [
        "text",
        "text.grams",
        "meta",
        "meta.grams",
    ]
    meta = should[2]["match_phrase"]["meta"]
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


def test_routing_names_a_few_customers_and_never_a_clerks_every_customer() -> None:
    few = Scope(frozenset(range(1, es.ROUTING_MAX_CUSTOMERS + 1)), frozenset({"internal"}))
    assert es.search_routing(SearchQuery(text="投诉"), few) is not None
    many = Scope(frozenset(range(1, es.ROUTING_MAX_CUSTOMERS + 2)), frozenset({"internal"}))
    assert es.search_routing(SearchQuery(text="投诉"), many) is None
    body = es.search_body(SearchQuery(text="投诉"), many)
    assert body is not None
    assert {"terms": {"customer_id": sorted(many.customer_ids or ())}} in filters(body)


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
    sources = body["aggs"]["customer"]["composite"]["sources"]
    assert sources == [{"customer": {"terms": {"field": "customer"}}}]
    assert body["aggs"]["type"]["terms"]["field"] == "record_type"
    assert body["aggs"]["year"]["terms"]["field"] == "year"
    assert "text" not in body["_source"] and "meta" not in body["_source"]
    assert set(body["highlight"]["fields"]) == {"text", "text.grams", "meta", "meta.grams"}


def test_a_response_becomes_hits_with_the_servers_highlight_total_and_facets() -> None:
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
                    },
                    "highlight": {
                        "text": ["&lt;b&gt;<mark>顧客</mark><mark>檔案</mark>&lt;/b&gt;"]
                    },
                }
            ],
        },
        "aggregations": {
            "customer": {"buckets": [{"key": {"customer": "KH-0101"}, "doc_count": 40}]},
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
    assert hit.snippet == "&lt;b&gt;<mark>顧客檔案</mark>&lt;/b&gt;"  # adjacent marks merged


def test_the_snippet_is_the_text_match_else_the_title_match_else_the_start_of_the_page() -> None:
    def snippet(**fragments: list[str]) -> str:
        return es.snippet_from(
            {"highlight": {k.replace("_", "."): v for k, v in fragments.items()}}
        )

    assert snippet(text=["依据QMS-PM-31301执行"], meta=["<mark>KH</mark>-0101"]) == (
        "<mark>KH</mark>-0101"
    )  # the text fragment had no match: no_match_size gave the start of the page
    assert (
        snippet(text=["使用碎纸机"], text_grams=["使用<mark>碎纸</mark>机"])
        == "使用<mark>碎纸</mark>机"
    )
    assert snippet(text=["第一页开头"]) == "第一页开头"
    assert snippet() == ""
    assert snippet(text=["<mark>a</mark>&#x2F;<mark>b</mark>"]) == "<mark>a&#x2F;b</mark>"


def test_a_new_concrete_index_gets_a_sortable_timestamped_name() -> None:
    first = es.concrete_name("dms-pages", datetime.datetime(2026, 1, 2, 3, 4, 5, 6, datetime.UTC))
    assert first == "dms-pages-20260102030405000006"
    assert es.concrete_name("dms-pages") > first
    # The index every starter on an empty cluster creates: one name, older than any rebuild.
    assert es.first_index_name("dms-pages") == "dms-pages-00000000000000000000" < first
