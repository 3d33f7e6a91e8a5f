"""Full-text search over records' pages: one interface, an embedded SQLite FTS5 backend and an
Elasticsearch backend, Chinese-aware analysis, permission trimming inside the query.

This package imports nothing else of ours. The backend is chosen like Django's caches::

    SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.sqlite.SqliteBackend", ...}}

and the archive hands it plain ``PageDoc`` data (records_dms/archive/indexing.py).
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend
from search.types import Hit, PageDoc, Results, Scope, SearchQuery, SearchUnavailable

__all__ = [
    "Hit",
    "PageDoc",
    "Results",
    "Scope",
    "SearchBackend",
    "SearchQuery",
    "SearchUnavailable",
    "get_backend",
    "reset_backends",
]

_backends: dict[str, SearchBackend] = {}
_lock = threading.Lock()


def get_backend(alias: str = "default") -> SearchBackend:
    """The configured backend, built once per process from ``settings.SEARCH_BACKENDS``."""
    backend = _backends.get(alias)
    if backend is None:
        with _lock:
            backend = _backends.get(alias)
            if backend is None:
                config: dict[str, Any] = dict(settings.SEARCH_BACKENDS[alias])
                cls = import_string(config.pop("BACKEND"))
                backend = cls(**{key.lower(): value for key, value in config.items()})
                _backends[alias] = backend
    return backend


def reset_backends() -> None:
    """Forget built backends (settings changed, e.g. a test's data dir)."""
    with _lock:
        for backend in _backends.values():
            close = getattr(backend, "close", None)
            if close is not None:
                close()
        _backends.clear()
