"""Chinese-aware analysis shared by every backend: folding, segmentation, query building.

Folding, character by character so offsets into the original text survive: NFKC (full-width
to half-width), case folding, traditional to simplified (OpenCC's character table). Then jieba
segments the folded text. Each word is emitted at one position together with every dictionary
word of 2–4 characters that starts inside it (colocated): those inside it, so 碎纸机 is found
by 碎纸 and by 碎纸机, and those reaching into the next words, so 客户不满意 (cut 客户 / 不 /
满意) is found by 不满. A phrase 使用碎纸机 still sees 使用 and 碎纸机 side by side. Codes
such as QMS-PM-31301 are kept whole (folded to lower case) beside their parts, so they are
findable as typed.

SQLite's unicode61 tokenizer finds no 2-character Chinese word inside running text and the
trigram tokenizer needs 3 (FACTS.md); this module is why search works in Chinese.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORDLIKE = re.compile(rf"[0-9a-z{_CJK}\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_CODE = re.compile(r"[0-9a-z]+(?:[-_./:][0-9a-z]+)+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_lock = threading.Lock()
_tokenizer: Any = None
_cache_dir: Path | None = None


def configure(cache_dir: Path | str | None) -> None:
    """Where jieba keeps its dictionary cache (the data dir, never /tmp). Call before use."""
    global _cache_dir
    _cache_dir = Path(cache_dir) if cache_dir else None


def _jieba() -> Any:
    """jieba's tokenizer, loaded once per process (about a second; cached on disk after)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                if _cache_dir is not None:
                    _cache_dir.mkdir(parents=True, exist_ok=True)
                    tokenizer.tmp_dir = str(_cache_dir)
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def warm_up() -> None:
    """Load the dictionary now (about a second) rather than in the first search or filing."""
    _jieba()
    _fold_arrays()


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    table: dict[int, str] = {}
    text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1:
            table[ord(parts[0])] = parts[1]
    return table


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).casefold()
    return folded.translate(_traditional_to_simplified())


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of a character (the exact, slow path)."""

    def __missing__(self, key: int) -> str:
        value = self[key] = _fold_char(chr(key))
        return value


_FOLD_TABLE = _FoldTable()
_BMP = 0x10000


@lru_cache(maxsize=1)
def _fold_arrays() -> tuple[Any, Any]:
    """The fold of every BMP character as a lookup table, and which fold to other than one.

    Looking a page's characters up in one array runs ~5x faster than ``str.translate`` with
    a dict (a CJK page is ~1,000 characters and is folded at indexing and for every
    highlight). Built once per process (~0.5 s).
    """
    import numpy as np

    single = np.arange(_BMP, dtype=np.uint32)
    other = np.zeros(_BMP, dtype=bool)
    for point in range(_BMP):
        if 0xD800 <= point < 0xE000:
            continue  # surrogates are left as they are
        folded = _fold_char(chr(point))
        if len(folded) == 1:
            single[point] = ord(folded)
        else:
            other[point] = True
    return single, other


def fold(text: str) -> str:
    """The form both documents and queries are compared in."""
    if len(text) < 32:
        return text.translate(_FOLD_TABLE)
    import numpy as np

    single, other = _fold_arrays()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes.max()) >= _BMP or other[codes].any():
        return text.translate(_FOLD_TABLE)  # a character folding to 0 or 2+, or beyond the BMP
    folded: str = single[codes].tobytes().decode("utf-32-le", "surrogatepass")
    return folded


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, where it came from in ``text``."""
    folded = fold(text)
    if len(folded) == len(text):  # no character folds to nothing, so each folded to one
        return folded, list(range(len(text) + 1))
    parts: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        origins.extend([index] * len(folded))
    origins.append(len(text))
    return "".join(parts), origins


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the original text
    end: int
    forms: tuple[str, ...]  # the token and the words colocated with it


def tokenize(text: str) -> Iterator[Token]:
    """Index-time tokens of ``text``: folded, segmented, with offsets into the original.

    jieba's precise mode without HMM (new-word guessing depends on context, and a query has
    little): unknown names fall apart into characters, which a query's characters match.
    With each word, every dictionary word of 2–4 Chinese characters starting inside it is
    colocated (jieba's full mode), so a word a user types is found wherever its characters
    stand in the text, also across jieba's cuts (不满 in 客户/不/满意), as a substring search
    would (tests/search/test_relevance.py).
    """
    folded, origins = _fold_with_origins(text)
    codes = {match.start(): match.group() for match in _CODE.finditer(folded)}
    inside = _dictionary_words(folded)
    jieba = _jieba()
    for word, start, end in jieba.tokenize(folded, HMM=False):
        if not _WORDLIKE.search(word):
            continue
        forms = [word]
        if start in codes and len(codes[start]) > len(word):
            forms.append(codes[start])
        for offset in range(start, end):
            forms.extend(inside.get(offset, ()))
        yield Token(origins[start], origins[end], tuple(dict.fromkeys(forms)))


_CJK_RUN = re.compile(rf"[{_CJK}]{{2,}}")
SUBWORD_SIZES = (2, 3, 4)


def _dictionary_words(folded: str) -> dict[int, list[str]]:
    """Offset -> the dictionary words of SUBWORD_SIZES Chinese characters starting there."""
    frequencies = _jieba().FREQ
    found: dict[int, list[str]] = {}
    for run in _CJK_RUN.finditer(folded):
        text, base = run.group(), run.start()
        for index in range(len(text) - 1):
            words = [
                text[index : index + size]
                for size in SUBWORD_SIZES
                if index + size <= len(text) and frequencies.get(text[index : index + size])
            ]
            if words:
                found[base + index] = words
    return found


# Queries -----------------------------------------------------------------------------------

_TERM = re.compile(r'"([^"]*)"|(\S+)')


def query_terms(query: str) -> list[list[str]]:
    """The user's query as terms, each a phrase of folded words.

    Whitespace separates terms (all must match); "double quotes" keep a phrase together.
    A term is segmented as the index was, so 保存期限 becomes the phrase 保存 期限, which
    matches because the index holds those words side by side (or colocated in a longer
    word), and QMS-PM-31301 the phrase qms pm 31301, in any case.
    """
    terms: list[list[str]] = []
    for quoted, bare in _TERM.findall(query):
        words = _segment(fold(quoted or bare))
        if words:
            terms.append(words)
    return terms


def _segment(folded: str) -> list[str]:
    return [word for word in _jieba().cut(folded, HMM=False) if _WORDLIKE.search(word)]


_CJK_WORD = re.compile(rf"[{_CJK}]+")


def dictionary_word(words: list[str]) -> str | None:
    """The words of a query term joined, when that is itself a dictionary word.

    jieba cuts a short query differently from the same characters in a sentence: 右上 alone
    becomes 右 + 上, while 右上角 in the text is indexed as 右上角 with 右上 inside it. A
    query then asks for either form.
    """
    joined = "".join(words)
    if len(words) > 1 and _CJK_WORD.fullmatch(joined) and _jieba().FREQ.get(joined):
        return joined
    return None
