"""One conformance suite for the SearchBackend protocol, run against every backend.

Always against SQLite (a fresh file in tmp_path); against Elasticsearch when
DMS_ELASTICSEARCH_URL is set (a throwaway index, deleted after), skipped with the reason
otherwise. The pages are made of the seed texts (tests/factories.py SEED_LINES and the partly
traditional seed 003).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from search import PageDoc, Results, Scope, SearchBackend, SearchQuery
from search.backends.sqlite import SqliteBackend
from tests.factories import SEED_LINES

ES_URL = os.environ.get("DMS_ELASTICSEARCH_URL", "")
LEVELS = frozenset({"internal", "confidential", "secret"})
AUDITOR = Scope(customer_ids=None, levels=LEVELS)
CODES = {1: "KH-0101", 2: "KH-0102", 3: "KH-0103"}
# Seed 003 is partly traditional: 顧客檔案 must be found by 顾客档案 and the other way round.
TRADITIONAL = "顧客檔案管理制度是企業有效管理客戶信息,提升服務質量,保障客戶權益的重要手段。"


def page(
    record_id: int,
    number: int,
    text: str,
    *,
    customer_id: int = 1,
    record_type: str = "complaint",
    date: datetime.date | None = datetime.date(2024, 5, 6),
    level: str = "internal",
    state: str = "filed",
    meta: str = "",
) -> PageDoc:
    return PageDoc(
        record_id=record_id,
        page=number,
        reference=f"{CODES[customer_id]}-{record_id:04d}",
        customer_id=customer_id,
        customer=CODES[customer_id],
        record_type=record_type,
        title=f"记录{record_id}",
        document_date=date,
        confidentiality=level,
        state=state,
        text=text,
        meta=meta,
    )


# r1: customer 1, a complaint of 2024 on two pages (seed lines; the shredder and a code on p.2)
# r2: customer 2, minutes of 2023: traditional Chinese; English, full-width letters and a code
# r3: customer 1, a confidential contract of 2022, due: HTML in the text, 保存 and 期限 apart
# r4: customer 3, a secret complaint, held
# r5: customer 2, a complaint of 2024 that says 碎纸机 many times
DOCS = [
    page(1, 1, SEED_LINES[0] + SEED_LINES[1], meta="KH-0101-0001 顾客投诉登记"),
    page(1, 2, SEED_LINES[3] + "使用碎纸机销毁过期文件。依据QMS-PM-31301执行。"),
    page(
        2, 1, TRADITIONAL, customer_id=2, record_type="minutes", date=datetime.date(2023, 2, 1)
    ),
    page(
        2, 2, "Customer Complaint AUDIT report. ＡＢＣ全角字母。编号ＱＭＳ－ＰＭ－３１３０２。",
        customer_id=2, record_type="minutes", date=datetime.date(2023, 2, 1),
    ),
    page(
        3, 1, "期限届满前应妥善保存。<script>alert(1)</script>顾客档案 & 投诉记录",
        record_type="contract", date=datetime.date(2022, 11, 30), level="confidential",
        state="due",
    ),
    page(
        4, 1, SEED_LINES[2], customer_id=3, date=datetime.date(2024, 1, 15), level="secret",
        state="held",
    ),
    page(
        5, 1, "碎纸机由专人管理。碎纸机应定期检修。使用碎纸机前检查碎纸机。" + SEED_LINES[3],
        customer_id=2,
    ),
]  # fmt: skip


def make_sqlite(tmp_path: Any) -> Iterator[SearchBackend]:
    backend = SqliteBackend(tmp_path / "search.sqlite3")
    yield backend
    backend.close()


def make_elasticsearch(tmp_path: Any) -> Iterator[SearchBackend]:
    if not ES_URL:
        pytest.skip("Elasticsearch: set DMS_ELASTICSEARCH_URL=http://… to run this suite on it")
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend(
        ES_URL,
        index=f"dms-test-{uuid.uuid4().hex[:12]}",
        # A default 9.x cluster has security on: the same variables as the settings.
        ca_certs=os.environ.get("DMS_ELASTICSEARCH_CA_CERTS") or None,
        api_key=os.environ.get("DMS_ELASTICSEARCH_API_KEY") or None,
        username=os.environ.get("DMS_ELASTICSEARCH_USERNAME") or None,
        password=os.environ.get("DMS_ELASTICSEARCH_PASSWORD") or None,
    )
    try:
        yield backend
    finally:
        backend.destroy()
        backend.close()


@pytest.fixture(params=["sqlite", "elasticsearch"])
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SearchBackend]:
    maker = make_sqlite if request.param == "sqlite" else make_elasticsearch
    made = maker(tmp_path)
    built = next(made)
    for record_id in sorted({doc.record_id for doc in DOCS}):
        built.index([doc for doc in DOCS if doc.record_id == record_id])
    yield built
    next(made, None)


def search(backend: SearchBackend, text: str, scope: Scope = AUDITOR, **filters: Any) -> Results:
    filters.setdefault("limit", 50)
    return backend.search(SearchQuery(text=text, **filters), scope)


def pages(results: Results) -> set[tuple[int, int]]:
    return {(hit.record_id, hit.page) for hit in results.hits}


def snippet(results: Results, record_id: int, number: int) -> str:
    return next(h.snippet for h in results.hits if (h.record_id, h.page) == (record_id, number))


# Chinese, folding, codes --------------------------------------------------------------------


def test_two_character_words_inside_running_text(backend: SearchBackend) -> None:
    assert pages(search(backend, "投诉")) == {(1, 1), (1, 2), (3, 1), (4, 1), (5, 1)}
    assert pages(search(backend, "档案")) == {(1, 1), (2, 1), (3, 1)}  # 2: 檔案


def test_a_three_character_word_and_the_page_it_is_on(backend: SearchBackend) -> None:
    results = search(backend, "碎纸机")
    assert pages(results) == {(1, 2), (5, 1)}
    assert [hit.page for hit in results.hits if hit.record_id == 1] == [2]


def test_a_phrase_matches_only_where_its_words_stand_together(backend: SearchBackend) -> None:
    assert pages(search(backend, "保存期限")) == {(1, 1)}  # r3 has 保存 and 期限 apart
    assert (3, 1) in pages(search(backend, "保存 期限"))  # two terms: both, anywhere


def test_traditional_and_simplified_find_each_other(backend: SearchBackend) -> None:
    assert pages(search(backend, "顾客档案")) == {(2, 1), (3, 1)}
    assert pages(search(backend, "顧客檔案")) == {(2, 1), (3, 1)}
    assert (2, 1) in pages(search(backend, "客户信息"))  # 客戶信息 in the text


def test_full_width_and_half_width_find_each_other(backend: SearchBackend) -> None:
    assert pages(search(backend, "ABC")) == {(2, 2)}
    assert pages(search(backend, "ＱＭＳ－ＰＭ－３１３０１")) == {(1, 2)}


def test_codes_are_found_as_typed_in_any_case(backend: SearchBackend) -> None:
    assert pages(search(backend, "qms-pm-31301")) == {(1, 2)}
    assert pages(search(backend, "QMS-PM-31301")) == {(1, 2)}
    assert pages(search(backend, "Qms-Pm-31302")) == {(2, 2)}


def test_english_is_case_folded(backend: SearchBackend) -> None:
    assert pages(search(backend, "audit")) == {(2, 2)}
    assert pages(search(backend, "COMPLAINT")) == {(2, 2)}


def test_every_term_must_match(backend: SearchBackend) -> None:
    assert pages(search(backend, "投诉 档案")) == {(1, 1), (3, 1)}
    assert pages(search(backend, "碎纸机 QMS-PM-31301")) == {(1, 2)}


def test_the_reference_and_title_are_searchable_on_the_first_page(backend: SearchBackend) -> None:
    assert pages(search(backend, "KH-0101-0001")) == {(1, 1)}


# Highlights -------------------------------------------------------------------------------


def test_highlights_mark_the_match(backend: SearchBackend) -> None:
    assert "<mark>碎纸机</mark>" in snippet(search(backend, "碎纸机"), 1, 2)
    assert "<mark>顧客檔案</mark>" in snippet(search(backend, "顾客档案"), 2, 1)
    assert "<mark>QMS-PM-31301</mark>" in snippet(search(backend, "qms-pm-31301"), 1, 2)


def test_highlights_escape_the_html_in_the_text(backend: SearchBackend) -> None:
    shown = snippet(search(backend, "顾客档案"), 3, 1)
    assert "<mark>顾客档案</mark>" in shown
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    assert "&amp;" in shown


# Filters and facets -----------------------------------------------------------------------


def test_filter_by_customer(backend: SearchBackend) -> None:
    found = search(backend, "投诉", customer_ids=frozenset({1}))
    assert pages(found) == {(1, 1), (1, 2), (3, 1)}
    assert {hit.customer for hit in found.hits} == {"KH-0101"}


def test_filter_by_type_state_year_and_date_range(backend: SearchBackend) -> None:
    assert pages(search(backend, "投诉", record_types=frozenset({"contract"}))) == {(3, 1)}
    assert pages(search(backend, "投诉", states=frozenset({"held", "due"}))) == {(3, 1), (4, 1)}
    assert pages(search(backend, "投诉", years=frozenset({2022}))) == {(3, 1)}
    assert pages(search(backend, "碎纸机", years=frozenset({2023}))) == set()
    in_2024 = search(
        backend,
        "投诉",
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 5, 6),  # inclusive
    )
    assert pages(in_2024) == {(1, 1), (1, 2), (4, 1), (5, 1)}
    assert pages(search(backend, "投诉", date_to=datetime.date(2024, 1, 15))) == {(3, 1), (4, 1)}


def test_facet_counts_equal_what_filtering_gives(backend: SearchBackend) -> None:
    found = search(backend, "投诉")
    assert found.facets["customer"] == {"KH-0101": 3, "KH-0102": 1, "KH-0103": 1}
    assert found.facets["type"] == {"complaint": 4, "contract": 1}
    assert found.facets["year"] == {"2024": 4, "2022": 1}
    ids = {code: number for number, code in CODES.items()}
    for code, count in found.facets["customer"].items():
        assert search(backend, "投诉", customer_ids=frozenset({ids[code]})).total == count
    for record_type, count in found.facets["type"].items():
        assert search(backend, "投诉", record_types=frozenset({record_type})).total == count
    for year, count in found.facets["year"].items():
        assert search(backend, "投诉", years=frozenset({int(year)})).total == count
    assert sum(found.facets["customer"].values()) == found.total == 5


# Permissions ------------------------------------------------------------------------------


def test_the_permission_trim_never_shows_counts_or_facets_a_hidden_page(
    backend: SearchBackend,
) -> None:
    staff = Scope(customer_ids=frozenset({1}), levels=frozenset({"internal"}))
    found = search(backend, "投诉", staff)
    assert pages(found) == {(1, 1), (1, 2)}  # not r3 (confidential), r4, r5 (other customers)
    assert found.total == 2 == backend.count(SearchQuery(text="投诉"), staff)
    assert found.facets["customer"] == {"KH-0101": 2}
    assert found.facets["type"] == {"complaint": 2}
    assert found.facets["year"] == {"2024": 2}
    # Asking for a customer outside the grant gives nothing, not that customer's pages.
    other = search(backend, "投诉", staff, customer_ids=frozenset({2, 3}))
    assert other.total == 0 and other.hits == [] and not any(other.facets.values())


def test_a_cleared_level_shows_its_pages(backend: SearchBackend) -> None:
    cleared = Scope(customer_ids=frozenset({1, 3}), levels=frozenset({"internal", "secret"}))
    assert pages(search(backend, "投诉", cleared)) == {(1, 1), (1, 2), (4, 1)}


def test_an_empty_scope_sees_nothing(backend: SearchBackend) -> None:
    for scope in (Scope(frozenset(), LEVELS), Scope(None, frozenset())):
        found = search(backend, "投诉", scope)
        assert found.hits == [] and found.total == 0
        assert not any(found.facets.values())
        assert backend.count(SearchQuery(text="投诉"), scope) == 0


# Writing ----------------------------------------------------------------------------------


def test_indexing_a_record_again_replaces_its_pages(backend: SearchBackend) -> None:
    changed = [
        dataclasses.replace(DOCS[0]),
        dataclasses.replace(DOCS[1], text="重大投诉应单独立卷保存。已归还原件。"),
        page(1, 3, "第三页:顾客满意度调查表。"),
    ]
    backend.index(changed)
    assert pages(search(backend, "碎纸机")) == {(5, 1)}
    assert pages(search(backend, "满意度")) == {(1, 3)}
    backend.index([dataclasses.replace(DOCS[0], state="held")])  # now one page only
    assert pages(search(backend, "投诉", customer_ids=frozenset({1}))) == {(1, 1), (3, 1)}
    assert pages(search(backend, "投诉", states=frozenset({"held"}))) == {(1, 1), (4, 1)}


def test_remove_takes_every_page_of_a_record(backend: SearchBackend) -> None:
    backend.remove([1])
    assert not any(hit.record_id == 1 for hit in search(backend, "投诉").hits)
    assert backend.indexed_records() == {2, 3, 4, 5}
    backend.remove([])
    assert backend.indexed_records() == {2, 3, 4, 5}


def test_rebuild_keeps_searching_and_returns_the_count(backend: SearchBackend) -> None:
    reported: list[int] = []
    survivors = [doc for doc in DOCS if doc.record_id != 4]
    assert backend.rebuild(iter(survivors), reported.append) == len(survivors)
    assert sum(reported) == len(survivors)
    assert pages(search(backend, "投诉")) == {(1, 1), (1, 2), (3, 1), (5, 1)}
    assert backend.indexed_records() == {1, 2, 3, 5}
    backend.index([DOCS[5]])  # and writing goes on into the new index
    assert (4, 1) in pages(search(backend, "投诉"))


def test_clear_drops_everything(backend: SearchBackend) -> None:
    backend.clear()
    assert search(backend, "投诉").total == 0
    assert backend.indexed_records() == set()


# Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["投诉", "碎纸机", "顾客档案", "qms-pm-31301", "不存在的词"])
def test_count_equals_the_total(backend: SearchBackend, text: str) -> None:
    for scope in (AUDITOR, Scope(frozenset({1}), frozenset({"internal"}))):
        assert backend.count(SearchQuery(text=text), scope) == search(backend, text, scope).total


def test_a_page_with_many_matches_ranks_above_one_with_a_single_match(
    backend: SearchBackend,
) -> None:
    hits = search(backend, "碎纸机").hits
    assert [(hit.record_id, hit.page) for hit in hits] == [(5, 1), (1, 2)]
    assert hits[0].score > hits[1].score


def test_pagination_with_limit_and_offset(backend: SearchBackend) -> None:
    everything = search(backend, "投诉")
    assert len(everything.hits) == everything.total == 5
    seen: list[tuple[int, int]] = []
    for offset in (0, 2, 4):
        part = search(backend, "投诉", limit=2, offset=offset)
        assert part.total == 5  # the total is of all pages, not of this one
        seen += [(hit.record_id, hit.page) for hit in part.hits]
    assert len(seen) == 5 and set(seen) == pages(everything)
    assert search(backend, "投诉", limit=2, offset=10).hits == []


def test_hits_carry_what_the_results_list_shows(backend: SearchBackend) -> None:
    hit = next(h for h in search(backend, "顾客档案").hits if h.record_id == 2)
    assert (hit.page, hit.reference, hit.customer) == (1, "KH-0102-0002", "KH-0102")
    assert (hit.record_type, hit.title) == ("minutes", "记录2")
    assert hit.document_date == datetime.date(2023, 2, 1)
    assert len(search(backend, "顾客档案", limit=1).hits) == 1


# Words inside words, deep pages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "longer"),
    [("碎纸", "碎纸机"), ("档案", "档案室"), ("信息", "信息化"), ("保险", "保险柜")],
)
def test_a_two_character_word_inside_a_longer_word_is_found_and_marked(
    backend: SearchBackend, word: str, longer: str
) -> None:
    # Segmenters (jieba, smartcn) cut the longer word whole in this sentence; the user types
    # the short one.
    backend.index([page(9, 1, f"新购{longer}已于上月启用。", customer_id=3)])
    found = search(backend, word)
    assert (9, 1) in pages(found)
    assert f"<mark>{word}</mark>" in snippet(found, 9, 1)
    assert backend.count(SearchQuery(text=word), AUDITOR) == found.total


DEEP = 10_010  # past the 10,000 hits Elasticsearch gives with from/size


def test_paging_past_ten_thousand_hits(backend: SearchBackend) -> None:
    backend.index(
        [page(1000 + n, 1, f"第{n}号年度盘点记录。", customer_id=1 + n % 3) for n in range(DEEP)]
    )
    first = search(backend, "年度盘点", limit=10_000)
    rest = search(backend, "年度盘点", limit=50, offset=10_000)
    assert first.total == rest.total == DEEP
    assert len(first.hits) == 10_000 and len(rest.hits) == DEEP - 10_000
    assert pages(first) | pages(rest) == {(1000 + n, 1) for n in range(DEEP)}
    assert sum(rest.facets["customer"].values()) == DEEP
    assert search(backend, "年度盘点", limit=20, offset=DEEP).hits == []
