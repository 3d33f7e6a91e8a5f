"""The embedded backend: SQLite FTS5 with a jieba tokenizer (see backend.py)."""

from search.backends.sqlite.backend import SqliteBackend

__all__ = ["SqliteBackend"]
