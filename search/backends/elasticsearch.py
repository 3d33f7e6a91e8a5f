"""The scale-out backend: Elasticsearch 9.x through the official client.

One index per deployment behind an alias: searches and writes go to the alias ``<index>``,
which points at one concrete index ``<index>-<timestamp>``. ``rebuild()`` (``dms reindex``)
bulk-loads a new concrete index and swaps the alias in one atomic ``_aliases`` call, so
searching never stops; the old index is deleted after. Documents are routed by customer id
(one index, per-customer shards without an index per customer); a search limited to some
customers asks only their shards.

Chinese: the index template (``index_template()``, also in infra/elasticsearch/) analyses with
``smartcn`` where the analysis-smartcn plugin is installed, else the built-in CJK bigrams. What
is searched is a folded copy of the text made here with ``search.analysis.fold`` (NFKC,
case, traditional→simplified), so 顧客檔案 is found by 顾客档案 whatever the server's
plugins; the query is folded the same way and each of its terms is a ``match_phrase``
(保存期限, QMS-PM-31301 as typed). Highlights are made from the hits' stored text by
``search.highlight`` exactly as the SQLite backend makes them (the server's highlighter would
show the folded copy). Permission trim and filters are ``filter`` clauses inside the query,
so totals and facets (aggregations) only ever count what the asking user may see.

Request bodies are built by pure functions (``search_body``, ``index_template``,
``bulk_actions``): tests/search/test_elasticsearch_requests.py checks them without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from search import analysis
from search.backends.base import Progress
from search.backends.elasticsearch_requests import (  # noqa: F401 (re-exported: the module's request API)
    _FACET_FIELDS,
    ANALYZER,
    CHINESE,
    FACET_SIZES,
    META_BOOST,
    TEMPLATE_FILES,
    allowed_customers,
    bulk_actions,
    concrete_name,
    doc_id,
    doc_source,
    hit_from,
    index_template,
    phrase_text,
    records_query,
    results_from,
    search_body,
    search_query,
    search_routing,
    stale_pages_query,
    template_json,
    term_query,
)
from search.types import PageDoc, Results, Scope, SearchQuery, SearchUnavailable

# The backend ------------------------------------------------------------------------------


class ElasticsearchBackend:
    """The SearchBackend on an Elasticsearch 9.x cluster at ``url``, alias ``index``.

    ``chinese``: "auto" (smartcn if every node has the analysis-smartcn plugin, else cjk),
    "smartcn" or "cjk".
    """

    def __init__(
        self,
        url: str,
        index: str = "dms-pages",
        cache_dir: str | Path | None = None,
        chinese: str = "auto",
        timeout: float = 30.0,
    ) -> None:
        from elasticsearch import Elasticsearch

        analysis.configure(cache_dir)
        self.url, self.index_name, self.chinese = url, index, chinese
        self.client = Elasticsearch(url, request_timeout=timeout)
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
        """The template, and a concrete index behind the alias if there is none yet."""
        if self._ready:
            return
        with _unavailable():
            self._put_template()
            if not self.client.indices.exists_alias(name=self.index_name):
                fresh = concrete_name(self.index_name)
                self.client.indices.create(index=fresh, aliases={self.index_name: {}})
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
        if not docs:
            return
        from elasticsearch import helpers

        self.ensure_index()
        with _unavailable():
            # Pages the new ones do not overwrite go first; the rest are replaced in place.
            self.client.delete_by_query(
                index=self.index_name,
                query=stale_pages_query(docs),
                refresh=True,
                conflicts="proceed",
            )
            helpers.bulk(self.client, bulk_actions(docs, self.index_name), refresh="wait_for")

    def remove(self, record_ids: Iterable[int]) -> None:
        ids = sorted(set(record_ids))
        if not ids:
            return
        self.ensure_index()
        with _unavailable():
            self.client.delete_by_query(
                index=self.index_name, query=records_query(ids), refresh=True, conflicts="proceed"
            )

    def rebuild(self, docs: Iterable[PageDoc], progress: Progress | None = None) -> int:
        """Load a new concrete index, then point the alias at it in one atomic call."""
        from elasticsearch import helpers

        self.ensure_index()
        fresh = concrete_name(self.index_name)
        total = 0
        with _unavailable():
            old = self.concrete_indices()
            self._put_template()
            self.client.indices.create(
                index=fresh, settings={"refresh_interval": "-1", "number_of_replicas": 0}
            )
            try:
                done = 0
                for ok, _item in helpers.streaming_bulk(
                    self.client, bulk_actions(docs, fresh), chunk_size=500, raise_on_error=True
                ):
                    if ok:
                        total += 1
                        done += 1
                    if progress is not None and done >= 500:
                        progress(done)
                        done = 0
                if progress is not None and done:
                    progress(done)
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
            actions.append({"add": {"index": fresh, "alias": self.index_name}})
            self.client.indices.update_aliases(actions=actions)
            for name in old:
                self.client.indices.delete(index=name, ignore_unavailable=True)
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
        with _unavailable():
            response = self.client.search(
                index=self.index_name, routing=search_routing(query, scope), body=body
            )
        return results_from(response.body, query)

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
    """Turn the client's errors (server down, bad request) into SearchUnavailable."""
    from elasticsearch import ApiError, TransportError

    try:
        yield
    except (ApiError, TransportError) as error:
        raise SearchUnavailable(f"Elasticsearch: {error}") from error


if __name__ == "__main__":  # python -m search.backends.elasticsearch infra/elasticsearch
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "infra/elasticsearch")
    folder.mkdir(parents=True, exist_ok=True)
    for chinese, name in TEMPLATE_FILES.items():
        (folder / name).write_text(template_json(chinese), "utf-8")
