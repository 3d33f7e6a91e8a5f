"""Ranking for the SQLite backend: FTS5's bm25 with each phrase's document count cached."""

from __future__ import annotations

import math
from typing import Any

import apsw

WEIGHTS = (1.0, 0.6, 0.0)  # text, reference/title; tags never rank (as in sqlite.BM25)
_K1, _B = 1.2, 0.75


class Bm25:
    """FTS5's bm25 (same formula, weights, and scores), with each phrase's document count
    cached per index instead of recounted over the whole index on every query.

    FTS5's bm25 computes every phrase's IDF by running the phrase over the whole index, also
    for a search trimmed to one customer: 客户信息 must check positions in every page that has
    客户 and 信息. Counts change slowly; one is recounted when the index grew or shrank by
    more than 1 %. Per matched page this runs in Python, so it is used only when a search
    matches few pages (CACHED_BM25_MAX_PAGES).
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[Any, ...], tuple[int, int]] = {}

    def __call__(self, api: apsw.FTS5ExtensionApi, *args: Any) -> float:
        rows = api.row_count
        average = api.column_total_size(-1) / rows if rows else 1.0
        length = api.column_size(-1)
        score = 0.0
        for index, tokens in enumerate(api.phrases):
            frequency = 0.0
            for column, offsets in enumerate(api.phrase_locations(index)):
                if offsets:
                    frequency += WEIGHTS[column] * len(offsets)
            if not frequency:
                continue  # contributes nothing, as in FTS5 (and tags never rank)
            matching = self._count(api, index, tuple(tokens), rows)
            idf = math.log((rows - matching + 0.5) / (matching + 0.5))
            idf = idf if idf > 0.0 else 1e-6
            score += (
                idf * frequency * (_K1 + 1) / (frequency + _K1 * (1 - _B + _B * length / average))
            )
        return -score

    def _count(
        self, api: apsw.FTS5ExtensionApi, index: int, key: tuple[Any, ...], rows: int
    ) -> int:
        cached = self.counts.get(key)
        if cached is None or abs(cached[1] - rows) > rows // 100:
            found = [0]

            def one(_api: apsw.FTS5ExtensionApi, closure: list[int]) -> None:
                closure[0] += 1

            api.query_phrase(index, one, found)
            cached = self.counts[key] = (found[0], rows)
        return cached[0]
