"""The scale-out backend: Elasticsearch 9.x through the official client.

One index per deployment behind an alias: searches and writes go to the alias ``<index>``,
which points at one concrete index, the write index. ``rebuild()`` (``dms reindex``)
bulk-loads a new concrete index and swaps the alias in one atomic ``_aliases`` call, so
searching never stops; the old index is deleted after. Documents are routed by customer id;
a search limited to a few customers asks only their shards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ... import analysis
from ...types import PageDoc, Results, Scope, SearchQuery, SearchUnavailable
from ..base import Progress
from .bodies import (
    _FACET_FIELDS,
    MAX_WINDOW,
    SORT,
    bulk_actions,
    concrete_name,
    customer_buckets,
    customer_facet,
    first_index_name,
    next_customer_page,
    records_query,
    results_from,
    search_body,
    search_query,
    search_routing,
    stale_deletes,
)
from .template import index_template

_PIT_KEEP_ALIVE = "1m"
_RECORD_IDS_PER_LOOKUP = 10_000  # terms in one query stay far below index.max_terms_count


def client_options(
    *,
    timeout: float = 30.0,
    ca_certs: str | Path | None = None,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments of ``Elasticsearch(url, ...)``: TLS trust and credentials.

    A default 9.x cluster has security on (HTTPS with its own CA, and authentication).
    Unset or empty values are left out, so the client's defaults apply.
    """
    options: dict[str, Any] = {"request_timeout": timeout}
    if ca_certs:
        options["ca_certs"] = str(ca_certs)
    if api_key and username:
        raise ValueError("Elasticsearch: give an API key or a user name and password, not both")
    if api_key:
        options["api_key"] = api_key
    elif username:
        options["basic_auth"] = (username, password or "")
    return options


class ElasticsearchBackend:
    """The SearchBackend on an Elasticsearch 9.x cluster at ``url``, alias ``index``.

    ``chinese``: "auto" (smartcn if every node has the analysis-smartcn plugin, else cjk),
    "smartcn" or "cjk". ``ca_certs``, ``api_key``, ``username``/``password``: see
    ``client_options``. ``bulk_retries``/``bulk_backoff``: a rebuild's chunks refused with
    429 (the cluster is busy) are sent again this many times, waiting from this many seconds.
    """

    def __init__(
        self,
        url: str,
        index: str = "dms-pages",
        cache_dir: str | Path | None = None,
        chinese: str = "auto",
        timeout: float = 30.0,
        ca_certs: str | Path | None = None,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        bulk_retries: int = 3,
        bulk_backoff: float = 2.0,
    ) -> None:
        from elasticsearch import Elasticsearch

        analysis.configure(cache_dir)
        self.url, self.index_name, self.chinese = url, index, chinese
        self.bulk_retries, self.bulk_backoff = bulk_retries, bulk_backoff
        options = client_options(
            timeout=timeout,
            ca_certs=ca_certs,
            api_key=api_key,
            username=username,
            password=password,
        )
        self.client = Elasticsearch(url, **options)
        self._ready = False

    # Setup --------------------------------------------------------------------------------

    def analyzer(self) -> str:
        """ "smartcn" or "cjk": what the template uses on this cluster."""
        if self.chinese == "auto":
            nodes = self.client.nodes.info(metric="plugins")["nodes"].values()
            has = [any(p["name"] == "analysis-smartcn" for p in node["plugins"]) for node in nodes]
            self.chinese = "smartcn" if has and all(has) else "cjk"
        return self.chinese

    def ensure_index(self) -> None:
        """The template, and a write index behind the alias if there is none yet.

        Every worker starting on an empty cluster gets here at once. They all create the
        same first index, with the alias as its write index, in one call: one creation
        succeeds, the others are refused and find the alias in place.
        """
        if self._ready:
            return
        from elasticsearch import ApiError

        with _unavailable():
            self._put_template()
            if not self.client.indices.exists_alias(name=self.index_name):
                try:
                    self.client.indices.create(
                        index=first_index_name(self.index_name),
                        aliases={self.index_name: {"is_write_index": True}},
                    )
                except ApiError:
                    if not self.client.indices.exists_alias(name=self.index_name):
                        raise
        self._ready = True

    def _put_template(self) -> None:
        template = index_template(self.index_name, self.analyzer())
        self.client.indices.put_index_template(name=self.index_name, **template)

    def concrete_indices(self) -> list[str]:
        """The concrete indices the alias points at (one, except for a moment never seen)."""
        with _unavailable():
            if not self.client.indices.exists_alias(name=self.index_name):
                return []
            return sorted(self.client.indices.get_alias(name=self.index_name).body)

    def close(self) -> None:
        self.client.close()

    def destroy(self) -> None:
        """Delete the alias's indices and the template (throwaway test indices)."""
        indices = self.client.indices.get(index=f"{self.index_name}-*").body
        for name in indices:
            self.client.indices.delete(index=name)
        self.client.options(ignore_status=404).indices.delete_index_template(name=self.index_name)
        self._ready = False

    # Writing ----------------------------------------------------------------------------

    def index(self, docs: Sequence[PageDoc]) -> None:
        """One bulk request: the new pages, and deletes of the old pages they do not
        overwrite (known by id, so no delete-by-query and no forced refresh of every shard);
        it returns once a search sees the change."""
        if not docs:
            return
        self.ensure_index()
        with _unavailable():
            indexed = self._pages_of({doc.record_id for doc in docs})
            deletes = stale_deletes(indexed, docs, self.index_name)
            self._write([*deletes, *bulk_actions(docs, self.index_name)])

    def remove(self, record_ids: Iterable[int]) -> None:
        ids = sorted(set(record_ids))
        if not ids:
            return
        self.ensure_index()
        with _unavailable():
            self._write(stale_deletes(self._pages_of(ids), [], self.index_name))

    def _pages_of(self, record_ids: Iterable[int]) -> set[tuple[str, str | None]]:
        """(id, routing) of every indexed page of these records, on every shard."""
        ids = sorted(set(record_ids))
        found: set[tuple[str, str | None]] = set()
        sort = [{"record_id": "asc"}, {"page": "asc"}, {"customer_id": "asc"}]
        for start in range(0, len(ids), _RECORD_IDS_PER_LOOKUP):
            after: list[Any] | None = None
            while True:
                response = self.client.search(
                    index=self.index_name,
                    query=records_query(ids[start : start + _RECORD_IDS_PER_LOOKUP]),
                    source=False,
                    size=MAX_WINDOW,
                    sort=sort,
                    search_after=after,
                    track_total_hits=False,
                )
                hits = response["hits"]["hits"]
                found.update((hit["_id"], hit.get("_routing")) for hit in hits)
                if len(hits) < MAX_WINDOW:
                    break
                after = hits[-1]["sort"]
        return found

    def _write(self, actions: list[dict[str, Any]]) -> None:
        from elasticsearch import helpers
        from elasticsearch.helpers import BulkIndexError

        if not actions:
            return
        _done, errors = helpers.bulk(
            self.client, actions, refresh="wait_for", raise_on_error=False, stats_only=False
        )
        # A page deleted meanwhile (another worker removed the record) is not a failure.
        failed = [e for e in _failures(errors) if e.get("delete", {}).get("status") != 404]
        if failed:
            raise BulkIndexError(f"{len(failed)} document(s) failed to index.", failed)

    def rebuild(self, docs: Iterable[PageDoc], progress: Progress | None = None) -> int:
        """Load a new concrete index, then point the alias at it in one atomic call."""
        self.ensure_index()
        fresh = concrete_name(self.index_name)
        with _unavailable():
            old = self.concrete_indices()
            self._put_template()
            self.client.indices.create(
                index=fresh, settings={"refresh_interval": "-1", "number_of_replicas": 0}
            )
            try:
                total = self._load(fresh, docs, progress)
                self.client.indices.put_settings(
                    index=fresh, settings={"refresh_interval": None, "number_of_replicas": None}
                )
                self.client.indices.refresh(index=fresh)
            except BaseException:
                self.client.indices.delete(index=fresh, ignore_unavailable=True)
                raise
            actions: list[dict[str, Any]] = [
                {"remove": {"index": name, "alias": self.index_name}} for name in old
            ]
            actions.append(
                {"add": {"index": fresh, "alias": self.index_name, "is_write_index": True}}
            )
            self.client.indices.update_aliases(actions=actions)
            for name in old:
                self.client.indices.delete(index=name, ignore_unavailable=True)
        return total

    def _load(self, fresh: str, docs: Iterable[PageDoc], progress: Progress | None) -> int:
        """Bulk-load ``docs``; pages refused as busy (429) are sent again with backoff, and
        any other refused page stops the rebuild (BulkIndexError) before the swap."""
        from elasticsearch import helpers
        from elasticsearch.helpers import BulkIndexError

        total = done = 0
        for ok, item in helpers.streaming_bulk(
            self.client,
            bulk_actions(docs, fresh),
            chunk_size=500,
            # The helper retries only items it yields as failed; with raise_on_error it
            # raises on the first 429 instead of retrying, so failures are raised here.
            raise_on_error=False,
            max_retries=self.bulk_retries,
            initial_backoff=self.bulk_backoff,
            max_backoff=max(self.bulk_backoff, 60.0),
        ):
            if not ok:
                raise BulkIndexError("1 document(s) failed to index.", [item])
            total += 1
            done += 1
            if progress is not None and done >= 500:
                progress(done)
                done = 0
        if progress is not None and done:
            progress(done)
        return total

    def clear(self) -> None:
        self.ensure_index()
        with _unavailable():
            self.client.delete_by_query(
                index=self.index_name,
                query={"match_all": {}},
                refresh=True,
                conflicts="proceed",
            )

    # Reading ----------------------------------------------------------------------------

    def search(self, query: SearchQuery, scope: Scope) -> Results:
        body = search_body(query, scope)
        if body is None:
            return Results(hits=[], total=0, facets={name: {} for name in _FACET_FIELDS})
        self.ensure_index()
        routing = search_routing(query, scope)
        with _unavailable():
            if query.offset + query.limit <= MAX_WINDOW:
                response = self.client.search(index=self.index_name, routing=routing, **body).body
            else:
                response = self._deep_page(body, query, routing)
            results = results_from(response, query)
            after = next_customer_page(response.get("aggregations", {}).get("customer", {}))
            while after is not None:  # more customers than one composite page holds
                more = self.client.search(
                    index=self.index_name,
                    routing=routing,
                    query=body["query"],
                    size=0,
                    track_total_hits=False,
                    aggs={"customer": customer_facet(after)},
                )
                aggregation = more["aggregations"]["customer"]
                results.facets["customer"].update(customer_buckets(aggregation))
                after = next_customer_page(aggregation)
        return results

    def _deep_page(
        self, body: dict[str, Any], query: SearchQuery, routing: str | None
    ) -> dict[str, Any]:
        """A page beyond the server's 10,000-hit window: walk to it with search_after in a
        point in time (one consistent view, sorted as the first pages are), skipping hits
        10,000 at a time without their source, then ask the page with facets and total."""
        pit = self.client.open_point_in_time(
            index=self.index_name, keep_alive=_PIT_KEEP_ALIVE, routing=routing
        )["id"]
        try:
            after: list[Any] | None = None
            skip = query.offset
            while skip > 0:
                part = self.client.search(
                    pit={"id": pit, "keep_alive": _PIT_KEEP_ALIVE},
                    query=body["query"],
                    sort=SORT,
                    size=min(skip, MAX_WINDOW),
                    search_after=after,
                    source=False,
                    track_total_hits=False,
                )
                pit = part.get("pit_id", pit)
                hits = part["hits"]["hits"]
                if not hits:
                    break  # the offset is past the last hit: the page is empty
                after, skip = hits[-1]["sort"], skip - len(hits)
            page = {key: value for key, value in body.items() if key != "from"}
            response = self.client.search(
                pit={"id": pit, "keep_alive": _PIT_KEEP_ALIVE}, search_after=after, **page
            )
            pit = response.get("pit_id", pit)
            if skip > 0:  # nothing left to show; the total and facets still count
                response.body["hits"]["hits"] = []
            return dict(response.body)
        finally:
            self.client.options(ignore_status=404).close_point_in_time(id=pit)

    def count(self, query: SearchQuery, scope: Scope) -> int:
        clause = search_query(query, scope)
        if clause is None:
            return 0
        self.ensure_index()
        with _unavailable():
            response = self.client.count(
                index=self.index_name, query=clause, routing=search_routing(query, scope)
            )
        return int(response["count"])

    def indexed_records(self) -> set[int]:
        self.ensure_index()
        found: set[int] = set()
        after: dict[str, Any] | None = None
        with _unavailable():
            while True:
                composite: dict[str, Any] = {
                    "size": 10_000,
                    "sources": [{"record_id": {"terms": {"field": "record_id"}}}],
                }
                if after is not None:
                    composite["after"] = after
                response = self.client.search(
                    index=self.index_name, size=0, aggs={"records": {"composite": composite}}
                )
                records = response["aggregations"]["records"]
                found.update(int(bucket["key"]["record_id"]) for bucket in records["buckets"])
                after = records.get("after_key")
                if not records["buckets"] or after is None:
                    return found


@contextmanager
def _unavailable() -> Iterator[None]:
    """Turn the client's errors (server down, refused request, refused pages in a bulk
    write) into SearchUnavailable, which callers already handle for searches."""
    from elasticsearch import ApiError, TransportError
    from elasticsearch.helpers import BulkIndexError

    try:
        yield
    except BulkIndexError as error:
        raise SearchUnavailable(f"Elasticsearch: {error} {_first_reason(error)}") from error
    except (ApiError, TransportError) as error:
        raise SearchUnavailable(f"Elasticsearch: {error}") from error


def _failures(errors: int | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return errors if isinstance(errors, list) else []


def _first_reason(error: Any) -> str:
    """What the server said about the first refused page (type and reason)."""
    for failure in error.errors[:1]:
        for item in failure.values():
            cause = item.get("error") or {}
            if isinstance(cause, dict):
                return f"{item.get('_id')}: {cause.get('type')}: {cause.get('reason')}"
            return f"{item.get('_id')}: {cause}"
    return ""
