"""The embedded index's tables and statements, and how a page becomes a row and a row a hit."""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from typing import Any

from search.backends.sqlite.matching import doc_tags
from search.highlight import highlight
from search.types import Hit, PageDoc

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages(
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL,
    page INTEGER NOT NULL,
    reference TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    customer TEXT NOT NULL,
    record_type TEXT NOT NULL,
    title TEXT NOT NULL,
    document_date TEXT,
    confidentiality TEXT NOT NULL,
    state TEXT NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL,
    tags TEXT NOT NULL,
    UNIQUE (record_id, page)
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    text, meta, tags, content='pages', content_rowid='id', tokenize='dms_zh'
);
CREATE INDEX IF NOT EXISTS pages_level ON pages(confidentiality);
CREATE INDEX IF NOT EXISTS pages_facets
    ON pages(id, customer, record_type, document_date, confidentiality);
CREATE TRIGGER IF NOT EXISTS pages_ai AFTER INSERT ON pages BEGIN
    INSERT INTO fts(rowid, text, meta, tags) VALUES (new.id, new.text, new.meta, new.tags);
END;
CREATE TRIGGER IF NOT EXISTS pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO fts(fts, rowid, text, meta, tags)
    VALUES ('delete', old.id, old.text, old.meta, old.tags);
END;
"""
_COLUMNS = (
    "record_id, page, reference, customer_id, customer, record_type, title, document_date, "
    "confidentiality, state, text, meta, tags"
)
_HITS_SQL = (
    "SELECT p.record_id, p.page, p.reference, p.customer, p.record_type, p.title,"
    " p.document_date, {rank} AS rank, p.text, p.meta"
    " FROM fts JOIN pages p ON p.id = fts.rowid WHERE {where} ORDER BY rank LIMIT ? OFFSET ?"
)
# When nothing but the text narrows the search (every level present is allowed, no dates),
# FTS5 ranks alone and only the page of hits is read from ``pages``.
_TOP_SQL = (
    "WITH top AS (SELECT rowid AS id, {rank} AS rank FROM fts"
    " WHERE fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?)"
    " SELECT p.record_id, p.page, p.reference, p.customer, p.record_type, p.title,"
    " p.document_date, top.rank, p.text, p.meta FROM top JOIN pages p ON p.id = top.id"
    " ORDER BY top.rank"
)
# The levels present in the index, one seek in pages_level each.
_LEVELS_SQL = (
    "WITH RECURSIVE level(v) AS (SELECT min(confidentiality) FROM pages UNION ALL"
    " SELECT (SELECT min(confidentiality) FROM pages WHERE confidentiality > v) FROM level"
    " WHERE v IS NOT NULL) SELECT v FROM level WHERE v IS NOT NULL"
)
_PAGES_SQL = (
    "SELECT id, record_id, page, reference, customer, record_type, title, document_date, text,"
    " meta FROM pages WHERE id IN ({marks})"
)
_MATCH_ONLY = "fts MATCH ?"


def _row(doc: PageDoc) -> tuple[Any, ...]:
    date = doc.document_date.isoformat() if doc.document_date else None
    return (
        doc.record_id, doc.page, doc.reference, doc.customer_id, doc.customer, doc.record_type,
        doc.title, date, doc.confidentiality, doc.state, doc.text, doc.meta, doc_tags(doc),
    )  # fmt: skip


def _hit(row: Sequence[Any], terms: list[list[str]]) -> Hit:
    record_id, page, reference, customer, record_type, title, date, rank, text, meta = row
    # The page's text where the match is; else the reference or title that matched.
    snippet = highlight(text, terms) or highlight(meta, terms) or html.escape(text[:64])
    return Hit(
        record_id=record_id,
        page=page,
        reference=reference,
        customer=customer,
        record_type=record_type,
        title=title,
        document_date=datetime.date.fromisoformat(date) if date else None,
        score=-rank,
        snippet=snippet,
    )
