"""A recorded-protocol stand-in for an Elasticsearch 9 server, for the official client.

An HTTP server on 127.0.0.1 (a random port, optionally TLS) that answers as ES 9 does, with
the product header the client insists on and its versioned JSON media type, and records
every request: method, path, query string, the request target as sent (its length is what
the server's 4 KB limit applies to), headers and body. Tests assert request shapes and order.

It keeps what a cluster keeps about indices, aliases (with their write index) and templates,
and refuses what a cluster refuses: creating an index that exists, a second write index for
an alias, and bulk writes to an alias without a write index. It does not search: _search,
_count and _bulk answer with replies a test queues (``reply``), else an empty result or
success for every bulk item.
"""

from __future__ import annotations

import fnmatch
import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

JSON = "application/vnd.elasticsearch+json;compatible-with=9"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # decoded, without the query string
    params: dict[str, str]
    target: str  # the request target exactly as sent
    headers: dict[str, str]
    body: Any  # JSON, a list of NDJSON lines, or None

    @property
    def endpoint(self) -> str:
        """The API, e.g. "_search", "_bulk", "_pit", "_aliases", or "index" for /<index>."""
        last = [part for part in self.path.split("/") if part]
        for part in reversed(last):
            if part.startswith("_"):
                return part
        return "index" if last else "root"


Reply = tuple[int, Any] | Callable[[Recorded], tuple[int, Any]]


@dataclass
class FakeElasticsearch:
    plugins: tuple[str, ...] = ()
    certificate: tuple[Path, Path] | None = None  # (cert, key) PEM: serve HTTPS
    requests: list[Recorded] = field(default_factory=list)
    indices: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # → aliases
    templates: dict[str, Any] = field(default_factory=dict)
    before: Callable[[Recorded], None] | None = None  # called first (e.g. a barrier)
    _queued: dict[str, list[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # Running -------------------------------------------------------------------------------

    def start(self) -> FakeElasticsearch:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.certificate)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        scheme = "https" if self.certificate else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    # What tests use ------------------------------------------------------------------------

    def reply(self, endpoint: str, *replies: Reply) -> None:
        """Answer the next requests to ``endpoint`` ("_search", "_bulk", …) with these."""
        with self._lock:
            self._queued.setdefault(endpoint, []).extend(replies)

    def calls(self, endpoint: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if endpoint is None or r.endpoint == endpoint]

    def write_indices(self, alias: str) -> list[str]:
        return sorted(
            name
            for name, aliases in self.indices.items()
            if aliases.get(alias, {}).get("is_write_index")
        )

    def behind(self, alias: str) -> list[str]:
        return sorted(name for name, aliases in self.indices.items() if alias in aliases)

    # The protocol --------------------------------------------------------------------------

    def handle(self, request: Recorded) -> tuple[int, Any]:
        if self.before is not None:
            self.before(request)
        with self._lock:
            self.requests.append(request)
            queued = self._queued.get(request.endpoint)
            if queued:
                answer = queued.pop(0)
                return answer(request) if callable(answer) else answer
            return self._answer(request)

    def _answer(self, r: Recorded) -> tuple[int, Any]:
        parts = [part for part in r.path.split("/") if part]
        method, endpoint = r.method, r.endpoint
        if not parts:
            return 200, {"version": {"number": "9.1.0"}, "tagline": "You Know, for Search"}
        if parts[0] == "_nodes":
            plugins = [{"name": name} for name in self.plugins]
            return 200, {"nodes": {"n1": {"plugins": plugins}}}
        if parts[0] == "_index_template":
            if method == "PUT":
                self.templates[parts[1]] = r.body
                return 200, {"acknowledged": True}
            if self.templates.pop(parts[1], None) is None:
                return _error(404, "resource_not_found_exception", "no such template")
            return 200, {"acknowledged": True}
        if parts[0] == "_alias":
            found = {
                name: {"aliases": {parts[1]: aliases[parts[1]]}}
                for name, aliases in self.indices.items()
                if parts[1] in aliases
            }
            if not found:
                return _error(404, "alias_missing", f"alias [{parts[1]}] missing")
            return 200, None if method == "HEAD" else found
        if parts[0] == "_aliases":
            return self._update_aliases(r.body["actions"])
        if parts[0] == "_pit":
            return 200, {"succeeded": True, "num_freed": 1}
        if endpoint == "_pit":
            return 200, {"id": f"pit-{len(self.requests)}"}
        if endpoint in ("_search", "_count"):
            if endpoint == "_count":
                return 200, {"count": 0}
            return 200, {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
        if endpoint == "_bulk":
            return self._bulk(r)
        if endpoint in ("_settings", "_refresh", "_delete_by_query"):
            return 200, {"acknowledged": True, "deleted": 0}
        if method == "PUT":
            return self._create(parts[0], r.body or {})
        if method == "DELETE":
            if parts[0] not in self.indices:
                if r.params.get("ignore_unavailable") == "true":
                    return 200, {"acknowledged": True}
                return _error(404, "index_not_found_exception", f"no such index [{parts[0]}]")
            del self.indices[parts[0]]
            return 200, {"acknowledged": True}
        if method == "GET":
            return 200, {
                name: {"aliases": aliases}
                for name, aliases in self.indices.items()
                if fnmatch.fnmatch(name, parts[0])
            }
        return _error(400, "illegal_argument_exception", f"unexpected {method} {r.path}")

    def _create(self, name: str, body: dict[str, Any]) -> tuple[int, Any]:
        if name in self.indices:
            return _error(400, "resource_already_exists_exception", f"index [{name}] exists")
        aliases = {alias: dict(props) for alias, props in body.get("aliases", {}).items()}
        for alias, props in aliases.items():
            if props.get("is_write_index") and self.write_indices(alias):
                return _error(500, "illegal_state_exception", f"alias [{alias}] has two")
        self.indices[name] = aliases
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _update_aliases(self, actions: list[dict[str, Any]]) -> tuple[int, Any]:
        staged = {name: dict(aliases) for name, aliases in self.indices.items()}
        for action in actions:
            ((kind, spec),) = action.items()
            if spec["index"] not in staged:
                return _error(404, "index_not_found_exception", spec["index"])
            if kind == "add":
                props = {k: v for k, v in spec.items() if k not in ("index", "alias")}
                staged[spec["index"]][spec["alias"]] = props
            else:
                staged[spec["index"]].pop(spec["alias"], None)
        self.indices = staged
        return 200, {"acknowledged": True}

    def _bulk(self, r: Recorded) -> tuple[int, Any]:
        items = []
        lines = list(r.body or [])
        while lines:
            action = lines.pop(0)
            ((kind, meta),) = action.items()
            if kind != "delete":
                lines.pop(0)
            status, error = 201 if kind == "index" else 200, None
            target = meta.get("_index", "")
            behind = self.behind(target)
            if len(behind) > 1 and not self.write_indices(target):
                status, error = (
                    400,
                    {
                        "type": "illegal_argument_exception",
                        "reason": f"no write index is defined for alias [{target}]",
                    },
                )
            item: dict[str, Any] = {"_index": target, "_id": meta.get("_id"), "status": status}
            if error is not None:
                item["error"] = error
            items.append({kind: item})
        return 200, {
            "took": 1,
            "errors": any("error" in i[k] for i in items for k in i),
            "items": items,
        }


def _error(status: int, kind: str, reason: str) -> tuple[int, Any]:
    cause = {"type": kind, "reason": reason}
    return status, {"error": {"root_cause": [cause], **cause}, "status": status}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects
    server_fake: FakeElasticsearch

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        body: Any = None
        if raw and "ndjson" in content_type:
            body = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line]
        elif raw:
            body = json.loads(raw)
        split = urlsplit(self.path)
        request = Recorded(
            method=self.command,
            path=unquote(split.path),
            params={key: values[-1] for key, values in parse_qs(split.query).items()},
            target=self.path,
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        status, answer = self.server_fake.handle(request)
        payload = b"" if answer is None else json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests
