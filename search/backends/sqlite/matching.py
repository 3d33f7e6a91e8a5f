"""The FTS5 side of a query: filter tags (one jieba token each), the tokenizer registered on
every connection, and the MATCH expression of a search (terms, filters, permission trim).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import apsw
import apsw.fts5

from search import analysis
from search.types import PageDoc, Scope, SearchQuery

_NOT_TAG = re.compile(r"[^0-9a-z]")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tag(kind: str, value: object) -> str:
    """A filter token: one letter and the value's letters and digits (one jieba token)."""
    return kind + _NOT_TAG.sub("", str(value).lower())


def doc_tags(doc: PageDoc) -> str:
    year = doc.document_date.year if doc.document_date else "none"
    return " ".join(
        (
            tag("c", doc.customer_id),
            tag("l", doc.confidentiality),
            tag("t", doc.record_type),
            tag("s", doc.state),
            tag("y", year),
        )
    )


@apsw.fts5.StringTokenizer
def _tokenizer(con: apsw.Connection, args: list[str]) -> Any:  # str-based: see the decorator
    def tokenize(text: str, flags: int, locale: str | None) -> Iterator[tuple[Any, ...]]:
        if flags & apsw.FTS5_TOKENIZE_QUERY:
            # The query is built of quoted, already folded and segmented words.
            word = analysis.fold(text).strip()
            if word:
                yield (0, len(text), word)
            return
        for token in analysis.tokenize(text):
            yield (token.start, token.end, *token.forms)

    return tokenize


def match_expression(query: SearchQuery, scope: Scope) -> str | None:
    """The FTS5 MATCH string: the user's terms, the filters and the permission trim."""
    terms = analysis.query_terms(query.text)
    filters = _filters(query, scope)
    if not terms or filters is None:
        return None
    return " AND ".join([_text([_phrase(words) for words in terms]), *filters])


def _text(conjuncts: list[str]) -> str:
    return f"{{text meta}} : ({' AND '.join(conjuncts)})"


def _filters(query: SearchQuery, scope: Scope) -> list[str] | None:
    """The filters and the customers of the trim as MATCH parts; None: nothing is visible."""
    parts = []
    if scope.customer_ids is not None:
        allowed = scope.customer_ids
        if query.customer_ids:
            allowed = allowed & query.customer_ids
        if not allowed:
            return None
        parts.append(_any("c", allowed))
    elif query.customer_ids:
        parts.append(_any("c", query.customer_ids))
    if not scope.levels:
        return None  # the levels themselves are an SQL condition of the same statement (_where)
    for kind, values in (("t", query.record_types), ("s", query.states), ("y", query.years)):
        if values:
            parts.append(_any(kind, values))
    return parts


def _phrase(words: list[str]) -> str:
    if len(words) == 1 and len(words[0]) == 1 and _CJK_CHAR.match(words[0]):
        return f'"{words[0]}" *'  # one character: any word starting with it
    phrase = " + ".join(_quoted(word) for word in words)
    whole = analysis.dictionary_word(words)
    return f"({phrase} OR {_quoted(whole)})" if whole else phrase


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _any(kind: str, values: Iterable[object]) -> str:
    return "tags : (" + " OR ".join(sorted(tag(kind, value) for value in values)) + ")"
