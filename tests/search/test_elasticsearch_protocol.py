"""The Elasticsearch backend's real calls, through the official client, against a
recorded-protocol fake server (tests/search/fake_elasticsearch.py): request shapes, call
order, and what the backend makes of a cluster's answers and refusals. No real cluster:
the conformance suite runs on one when DMS_ELASTICSEARCH_URL is set."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search import PageDoc, Scope, SearchQuery, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend, client_options

from .fake_elasticsearch import FakeElasticsearch, Recorded

ALIAS = "dms-pages"
LEVELS = frozenset({"internal", "confidential", "secret"})
AUDITOR = Scope(customer_ids=None, levels=LEVELS)


def page(record_id: int = 7, number: int = 1, customer_id: int = 3, text: str = "投诉") -> PageDoc:
    return PageDoc(
        record_id=record_id,
        page=number,
        reference=f"KH-{customer_id:04d}-{record_id:04d}",
        customer_id=customer_id,
        customer=f"KH-{customer_id:04d}",
        record_type="complaint",
        title="顾客投诉登记",
        document_date=datetime.date(2024, 5, 6),
        confidentiality="internal",
        state="filed",
        text=text,
    )


@pytest.fixture
def fake() -> Iterator[FakeElasticsearch]:
    server = FakeElasticsearch().start()
    yield server
    server.stop()


@pytest.fixture
def backend(fake: FakeElasticsearch) -> Iterator[ElasticsearchBackend]:
    made = ElasticsearchBackend(fake.url, index=ALIAS, chinese="cjk", bulk_backoff=0.01)
    yield made
    made.close()


def started(fake: FakeElasticsearch, backend: ElasticsearchBackend) -> ElasticsearchBackend:
    """The backend past its startup calls, which are then forgotten."""
    backend.ensure_index()
    fake.requests.clear()
    return backend


def hit(record_id: int, number: int, routing: str = "3", **extra: Any) -> dict[str, Any]:
    return {"_id": f"{record_id}-{number}", "_routing": routing, **extra}


def hits(*items: dict[str, Any], total: int | None = None, **more: Any) -> tuple[int, Any]:
    found = {"total": {"value": len(items) if total is None else total, "relation": "eq"}}
    return 200, {"hits": {**found, "hits": list(items)}, **more}


# Startup ----------------------------------------------------------------------------------


def test_startup_puts_the_template_then_creates_one_write_index_behind_the_alias(
    fake: FakeElasticsearch,
) -> None:
    fake.plugins = ("analysis-smartcn",)
    made = ElasticsearchBackend(fake.url, index=ALIAS)  # chinese="auto": asks the nodes
    made.ensure_index()
    made.close()
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/_nodes/plugins"),
        ("PUT", f"/_index_template/{ALIAS}"),
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", f"/{ALIAS}-00000000000000000000"),
    ]
    template = fake.templates[ALIAS]["template"]
    assert template["settings"]["analysis"]["analyzer"]["dms_zh"]["tokenizer"] == (
        "smartcn_tokenizer"
    )
    assert "grams" in template["mappings"]["properties"]["text"]["fields"]
    assert fake.requests[-1].body == {"aliases": {ALIAS: {"is_write_index": True}}}
    assert fake.write_indices(ALIAS) == [f"{ALIAS}-00000000000000000000"]


def test_a_restart_on_a_cluster_with_the_alias_creates_no_index(fake: FakeElasticsearch) -> None:
    fake.indices["dms-pages-20260101000000000000"] = {ALIAS: {"is_write_index": True}}
    made = ElasticsearchBackend(fake.url, index=ALIAS, chinese="cjk")
    made.ensure_index()
    made.close()
    assert [r.method for r in fake.requests] == ["PUT", "HEAD"]  # template, alias check
    assert fake.behind(ALIAS) == ["dms-pages-20260101000000000000"]


def test_workers_starting_together_on_an_empty_cluster_end_with_one_write_index(
    fake: FakeElasticsearch,
) -> None:
    workers = 4
    # Every worker's first alias check waits for the others: all find no alias, all create.
    first_checks = threading.Barrier(workers, timeout=10)
    seen: list[Recorded] = []

    def hold(request: Recorded) -> None:
        if request.method == "HEAD":
            seen.append(request)
            if len(seen) <= workers:
                first_checks.wait()

    fake.before = hold
    backends = [ElasticsearchBackend(fake.url, index=ALIAS, chinese="cjk") for _ in range(workers)]
    failures: list[BaseException] = []

    def start(number: int) -> None:
        try:
            backends[number].ensure_index()
            backends[number].index([page(record_id=number + 1)])  # and writes go through
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for made in backends:
        made.close()
    assert failures == []
    assert fake.behind(ALIAS) == fake.write_indices(ALIAS) == [f"{ALIAS}-00000000000000000000"]
    assert len(fake.calls("_bulk")) == workers


# Security -----------------------------------------------------------------------------------


def test_an_api_key_is_sent_on_every_request(fake: FakeElasticsearch) -> None:
    made = ElasticsearchBackend(fake.url, index=ALIAS, chinese="cjk", api_key="a2V5OnNlY3JldA==")
    made.search(SearchQuery(text="投诉"), AUDITOR)
    made.close()
    assert {r.headers.get("authorization") for r in fake.requests} == {"ApiKey a2V5OnNlY3JldA=="}


def test_a_user_name_and_password_are_sent_as_basic_auth(fake: FakeElasticsearch) -> None:
    made = ElasticsearchBackend(
        fake.url, index=ALIAS, chinese="cjk", username="dms", password="s3cret"
    )
    made.count(SearchQuery(text="投诉"), AUDITOR)
    made.close()
    expected = "Basic " + base64.b64encode(b"dms:s3cret").decode()
    assert {r.headers.get("authorization") for r in fake.requests} == {expected}


def test_an_api_key_and_a_password_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        client_options(api_key="k", username="u", password="p")
    assert "basic_auth" not in client_options(username="", password="")


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as a cluster's own CA would make."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "es-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "ca.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_with_the_clusters_ca_file_and_refused_without_it(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server = FakeElasticsearch(certificate=(cert, key)).start()
    try:
        trusting = ElasticsearchBackend(server.url, index=ALIAS, chinese="cjk", ca_certs=cert)
        assert trusting.search(SearchQuery(text="投诉"), AUDITOR).total == 0
        trusting.close()
        assert server.calls("_search")
        strange = ElasticsearchBackend(server.url, index=ALIAS, chinese="cjk", timeout=2)
        with pytest.raises(SearchUnavailable, match=r"(?i)certificate"):
            strange.search(SearchQuery(text="投诉"), AUDITOR)
        strange.close()
    finally:
        server.stop()


# Writing ----------------------------------------------------------------------------------


def test_filing_deletes_the_pages_it_does_not_overwrite_by_id_in_the_same_bulk(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    # Indexed before: three pages under customer 3, and page 1 once filed under customer 9.
    fake.reply("_search", hits(hit(7, 1), hit(7, 2), hit(7, 3), hit(7, 1, routing="9")))
    backend.index([page(7, 1), page(7, 2)])
    lookup, bulk = fake.requests
    assert (lookup.endpoint, bulk.endpoint) == ("_search", "_bulk")
    assert lookup.body["query"] == {"terms": {"record_id": [7]}}
    assert lookup.body["_source"] is False
    assert bulk.params == {"refresh": "wait_for"}
    actions = [line for line in bulk.body if set(line) & {"index", "delete"}]
    assert actions == [
        {"delete": {"_index": ALIAS, "_id": "7-1", "routing": "9"}},
        {"delete": {"_index": ALIAS, "_id": "7-3", "routing": "3"}},
        {"index": {"_index": ALIAS, "_id": "7-1", "routing": "3"}},
        {"index": {"_index": ALIAS, "_id": "7-2", "routing": "3"}},
    ]
    assert not fake.calls("_delete_by_query")
    assert not any(r.params.get("refresh") == "true" for r in fake.requests)


def test_removing_records_deletes_their_pages_by_id(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    fake.reply("_search", hits(hit(5, 1), hit(5, 2), hit(6, 1, routing="4")))
    backend.remove([6, 5, 5])
    lookup, bulk = fake.requests
    assert lookup.body["query"] == {"terms": {"record_id": [5, 6]}}
    assert bulk.body == [
        {"delete": {"_index": ALIAS, "_id": "5-1", "routing": "3"}},
        {"delete": {"_index": ALIAS, "_id": "5-2", "routing": "3"}},
        {"delete": {"_index": ALIAS, "_id": "6-1", "routing": "4"}},
    ]
    assert bulk.params == {"refresh": "wait_for"}


def _bulk_items(status: int, error: dict[str, Any] | None = None) -> Any:
    def answer(request: Recorded) -> tuple[int, Any]:
        items = []
        for line in request.body:
            if "index" in line:
                item = {"_id": line["index"]["_id"], "status": status}
                items.append({"index": {**item, **({"error": error} if error else {})}})
        return 200, {"took": 1, "errors": status >= 300, "items": items}

    return answer


def test_a_page_the_cluster_refuses_makes_the_write_search_unavailable(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    refused = {"type": "mapper_parsing_exception", "reason": "failed to parse field [page]"}
    fake.reply("_bulk", _bulk_items(400, refused))
    with pytest.raises(SearchUnavailable, match="mapper_parsing_exception"):
        backend.index([page(7, 1)])


def test_a_cluster_that_is_down_makes_writes_search_unavailable() -> None:
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    made = ElasticsearchBackend(f"http://127.0.0.1:{port}", index=ALIAS, chinese="cjk")
    with pytest.raises(SearchUnavailable, match="Connection"):
        made.index([page(7, 1)])
    made.close()


def test_the_rebuild_retries_a_busy_cluster_then_swaps_the_alias_in_one_call(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    fake.reply("_bulk", _bulk_items(429, {"type": "es_rejected_execution_exception"}))
    reported: list[int] = []
    assert backend.rebuild(iter([page(1, 1), page(2, 1), page(3, 1)]), reported.append) == 3
    assert reported == [3]
    steps = [(r.method, r.endpoint) for r in fake.requests]
    assert steps == [
        ("HEAD", "_alias"),
        ("GET", "_alias"),
        ("PUT", "_index_template"),
        ("PUT", "index"),  # the fresh index, refresh off, no replicas
        ("PUT", "_bulk"),  # refused as busy (429) ...
        ("PUT", "_bulk"),  # ... and sent again
        ("PUT", "_settings"),
        ("POST", "_refresh"),
        ("POST", "_aliases"),
        ("DELETE", "index"),  # the old index, after the swap
    ]
    fresh = fake.requests[3].path.strip("/")
    assert fake.requests[3].body["settings"] == {"refresh_interval": "-1", "number_of_replicas": 0}
    assert fake.requests[8].body == {
        "actions": [
            {"remove": {"index": f"{ALIAS}-00000000000000000000", "alias": ALIAS}},
            {"add": {"index": fresh, "alias": ALIAS, "is_write_index": True}},
        ]
    }
    assert fake.behind(ALIAS) == fake.write_indices(ALIAS) == [fresh]


def test_a_rebuild_that_fails_keeps_the_old_index_and_says_why(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    refused = {"type": "mapper_parsing_exception", "reason": "failed to parse"}
    fake.reply("_bulk", _bulk_items(400, refused))
    with pytest.raises(SearchUnavailable, match="mapper_parsing_exception"):
        backend.rebuild(iter([page(1, 1)]))
    assert fake.behind(ALIAS) == [f"{ALIAS}-00000000000000000000"]
    assert list(fake.indices) == [f"{ALIAS}-00000000000000000000"]  # the fresh one deleted
    assert not fake.calls("_aliases")


# Reading ----------------------------------------------------------------------------------


def test_a_clerk_who_sees_every_customer_is_not_routed_and_the_url_stays_short(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    clerk = Scope(customer_ids=frozenset(range(100_000, 101_000)), levels=LEVELS)
    backend.search(SearchQuery(text="投诉"), clerk)
    backend.count(SearchQuery(text="投诉"), clerk)
    search, count = fake.requests
    for request in (search, count):
        assert "routing" not in request.params
        assert len(request.target) < 4096
        terms = request.body["query"]["bool"]["filter"][1]["terms"]["customer_id"]
        assert len(terms) == 1000  # the permission trim is in the body, whole


def test_a_search_for_a_few_customers_asks_only_their_shards(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    staff = Scope(customer_ids=frozenset({4, 3}), levels=LEVELS)
    backend.search(SearchQuery(text="投诉"), staff)
    backend.search(SearchQuery(text="投诉", customer_ids=frozenset({4})), AUDITOR)
    assert [r.params.get("routing") for r in fake.requests] == ["3,4", "4"]


def test_hits_leave_the_page_text_on_the_server_and_show_its_highlight(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    source = {
        "record_id": 7, "page": 2, "reference": "KH-0003-0007", "customer": "KH-0003",
        "record_type": "complaint", "title": "顾客投诉登记", "document_date": "2024-05-06",
    }  # fmt: skip
    fragments = {"text": ["依据<mark>QMS</mark>-<mark>PM</mark>-<mark>31301</mark>执行&lt;b&gt;"]}
    fake.reply("_search", hits({"_score": 2.5, "_source": source, "highlight": fragments}))
    [found] = backend.search(SearchQuery(text="qms-pm-31301"), AUDITOR).hits
    [request] = fake.requests
    assert "text" not in request.body["_source"] and "meta" not in request.body["_source"]
    highlight = request.body["highlight"]
    assert (highlight["encoder"], highlight["pre_tags"], highlight["post_tags"]) == (
        "html", ["<mark>"], ["</mark>"],
    )  # fmt: skip
    assert highlight["fields"]["text"]["no_match_size"] == highlight["fragment_size"]
    assert found.snippet == "依据<mark>QMS-PM-31301</mark>执行&lt;b&gt;"
    assert (found.record_id, found.page, found.score) == (7, 2, 2.5)


def _customers(first: int, count: int, after: bool) -> dict[str, Any]:
    buckets = [
        {"key": {"customer": f"KH-{n:05d}"}, "doc_count": 1} for n in range(first, first + count)
    ]
    facet: dict[str, Any] = {"buckets": buckets}
    if after:
        facet["after_key"] = buckets[-1]["key"]
    return facet


def test_the_customer_facet_counts_every_customer_not_the_first_thousand(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    fake.reply(
        "_search",
        hits(total=1500, aggregations={"customer": _customers(0, 1000, after=True)}),
        hits(total=0, aggregations={"customer": _customers(1000, 500, after=True)}),
    )
    found = backend.search(SearchQuery(text="投诉"), AUDITOR)
    assert len(found.facets["customer"]) == 1500
    first, second = fake.requests
    assert first.body["aggs"]["customer"]["composite"]["size"] == 1000
    assert second.body["size"] == 0
    assert second.body["query"] == first.body["query"]
    assert second.body["aggs"]["customer"]["composite"]["after"] == {"customer": "KH-00999"}


def _sorted_hits(request: Recorded) -> tuple[int, Any]:
    """As many hits as asked, each with its sort values, counting on from search_after."""
    start = (request.body.get("search_after") or [0, 0, 0, 0])[1]
    items = []
    for n in range(start + 1, start + 1 + request.body["size"]):
        source = {
            "record_id": n, "page": 1, "reference": "R", "customer": "C",
            "record_type": "complaint", "title": "t", "document_date": None,
        }  # fmt: skip
        items.append({"_id": f"{n}-1", "sort": [1.0, n, 1, n], "_score": 1.0, "_source": source})
    return hits(*items, total=30_000, pit_id=request.body["pit"]["id"])


def test_a_page_past_ten_thousand_hits_walks_there_with_search_after_in_a_point_in_time(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    fake.reply("_search", *[_sorted_hits] * 4)
    found = backend.search(SearchQuery(text="投诉", offset=25_000, limit=20), AUDITOR)
    assert [h.record_id for h in found.hits] == list(range(25_001, 25_021))
    assert found.total == 30_000
    opened, *searches, closed = fake.requests
    assert (opened.method, opened.endpoint, opened.params["keep_alive"]) == ("POST", "_pit", "1m")
    assert [r.body["size"] for r in searches] == [10_000, 10_000, 5_000, 20]
    for request in searches:
        assert request.path == "/_search"  # a point in time names no index
        assert request.body.get("from", 0) + request.body["size"] <= 10_000
    assert [r.body.get("search_after", [0, 0])[1] for r in searches] == [0, 10_000, 20_000, 25_000]
    assert "_source" in searches[-1].body and searches[0].body["_source"] is False
    assert "aggs" in searches[-1].body and searches[-1].body["track_total_hits"] is True
    assert (closed.method, closed.path, closed.body) == ("DELETE", "/_pit", {"id": opened_id(fake)})


def opened_id(fake: FakeElasticsearch) -> str:
    return str(fake.requests[1].body["pit"]["id"])


def test_an_empty_scope_asks_the_cluster_nothing(
    fake: FakeElasticsearch, backend: ElasticsearchBackend
) -> None:
    started(fake, backend)
    assert backend.search(SearchQuery(text="投诉"), Scope(frozenset(), LEVELS)).total == 0
    assert backend.count(SearchQuery(text="投诉"), Scope(None, frozenset())) == 0
    assert fake.requests == []
