"""Highlights for the hits shown: the query's words marked in a window of the page's text.

Computed in Python on the stored text of the page of hits only (ten pages, microseconds each),
with the same folding as the index, so 顧客 is marked for a query 顾客 and QMS-PM-31301 in any
case. FTS5's snippet() would re-run jieba over every shown page (milliseconds each).
"""

from __future__ import annotations

import html
import re

from search.analysis import _fold_with_origins, fold

_JOINERS = re.compile(r"[-_./:\s]?")


def highlight(text: str, terms: list[list[str]], width: int = 64) -> str:
    """HTML: a window of ``text`` about ``width`` characters wide, matches in <mark>.

    Returns "" when no word of ``terms`` occurs in ``text``.
    """
    spans = _spans(text, terms)
    if not spans:
        return ""
    start = _window_start(spans, width, len(text))
    end = min(len(text), start + width)
    parts = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(html.escape(text[position:span_start]))
        parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(html.escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts)


def _spans(text: str, terms: list[list[str]]) -> list[tuple[int, int]]:
    folded = fold(text)
    origins = None if len(folded) == len(text) else _fold_with_origins(text)[1]
    found: list[tuple[int, int]] = []
    for word in {word for term in terms for word in term if word}:
        index = folded.find(word)
        while index >= 0:
            end = index + len(word)
            found.append((index, end) if origins is None else (origins[index], origins[end]))
            index = folded.find(word, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for span_start, span_end in found:
        if merged:
            last_start, last_end = merged[-1]
            gap = text[last_end:span_start]
            if span_start <= last_end or _JOINERS.fullmatch(gap):  # overlap, or QMS-PM-31301
                merged[-1] = (last_start, max(last_end, span_end))
                continue
        merged.append((span_start, span_end))
    return merged


def _window_start(spans: list[tuple[int, int]], width: int, length: int) -> int:
    """Where a window holding the most matches starts (a little context before the first)."""
    best, best_count, last = spans[0][0], 0, 0
    reach = width * 3 // 4
    for first, (anchor, _end) in enumerate(spans):  # spans are sorted: one sliding pass
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][0] < anchor + reach:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = anchor, last - first + 1
    return max(0, min(best - width // 4, max(0, length - width)))


def mark(text: str, terms: list[list[str]]) -> str:
    """HTML: all of ``text`` escaped, every occurrence of a word of ``terms`` in <mark>
    (the same folding as the index: 投诉 is marked inside 客户投诉处理)."""
    parts: list[str] = []
    position = 0
    for span_start, span_end in _spans(text, terms) if terms else []:
        parts.append(html.escape(text[position:span_start]))
        parts.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(html.escape(text[position:]))
    return "".join(parts)
