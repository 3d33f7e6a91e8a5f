"""Character error rate: Levenshtein distance over the reference length, whitespace ignored."""

from __future__ import annotations

import unicodedata

import numpy as np


def canonical(text: str) -> str:
    """NFKC (full-width punctuation to ASCII) with all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def levenshtein(reference: str, hypothesis: str) -> int:
    """Edit distance, one numpy row at a time (a page of 1,000 characters takes ~10 ms)."""
    if not reference:
        return len(hypothesis)
    if not hypothesis:
        return len(reference)
    ref = np.frombuffer(reference.encode("utf-32-le"), dtype=np.uint32)
    hyp = np.frombuffer(hypothesis.encode("utf-32-le"), dtype=np.uint32)
    columns = np.arange(len(hyp) + 1, dtype=np.int64)
    previous = columns.copy()
    for i, char in enumerate(ref, start=1):
        # Deletion and substitution come from the previous row; insertions run along this
        # row: D[j] = min_k (T[k] + j - k), i.e. a running minimum of T[k] - k.
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (hyp != char))
        current = np.minimum.accumulate(current - columns) + columns
        previous = current
    return int(previous[-1])


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = canonical(reference), canonical(hypothesis)
    return levenshtein(ref, hyp) / max(1, len(ref))


def errors(pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """Edits over all (reference, hypothesis) pages, and the reference characters."""
    edits = sum(levenshtein(canonical(r), canonical(h)) for r, h in pairs)
    return edits, sum(len(canonical(r)) for r, _h in pairs)


def corpus_cer(pairs: list[tuple[str, str]]) -> float:
    """Edits over all pages divided by all reference characters (long pages weigh more)."""
    edits, characters = errors(pairs)
    return edits / max(1, characters)
