"""A relevance set built from the seed policies: pages, queries, and what each should find.

What a query should find is decided without the index: every page whose folded text contains
the folded query. So recall measures the analysis (segmentation, folding), not itself.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from search import PageDoc
from search.analysis import _jieba, fold, query_terms

# A copy of ../shared/seeds kept in the repository, so a clean clone anywhere can run it.
SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
CODES = ["QMS-PM-31301", "QMS-CS-20417", "ISO-9001-7.5"]
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2}$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Case:
    query: str
    kind: str
    relevant: frozenset[int]  # record ids


def seed_pages(chars_per_page: int = 400) -> list[PageDoc]:
    """Each seed cut into pages of about 400 characters; codes and English sprinkled in."""
    docs: list[PageDoc] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chunk: list[str] = []
        for line in text.splitlines():
            chunk.append(line)
            if sum(map(len, chunk)) >= chars_per_page:
                docs.append(_doc(len(docs), "\n".join(chunk)))
                chunk = []
        if chunk:
            docs.append(_doc(len(docs), "\n".join(chunk)))
    return docs


def _doc(index: int, text: str) -> PageDoc:
    if index % 7 == 3:
        text += f"\n文件编号 {CODES[index % len(CODES)]}。Customer complaint review record."
    return PageDoc(
        record_id=index + 1, page=1, reference=f"KH-01{index % 3:02d}-QT-2024-{index:04d}",
        customer_id=1 + index % 3, customer=f"KH-01{index % 3:02d}", record_type="other",
        title="", document_date=datetime.date(2024, 1, 1), confidentiality="internal",
        state="filed", text=text,
    )  # fmt: skip


def cases(docs: list[PageDoc]) -> list[Case]:
    """Queries a user types, and the pages each should find (its folded text contains it).

    The words are not the indexer's tokens: every dictionary word of 2–4 Chinese characters
    found anywhere in the pages' text, sorted by how jieba's segmentation sees it there
    (a word of its own somewhere, only inside longer words, or only across its cuts, as
    不满 in 客户/不/满意). Phrases, codes, English and traditional text complete the set.
    """
    folded = {doc.record_id: fold(doc.text) for doc in docs}

    def relevant(query: str) -> frozenset[int]:
        return frozenset(rid for rid, text in folded.items() if fold(query) in text)

    dictionary = _jieba().FREQ
    typed: set[str] = set()  # dictionary words anywhere in the text
    cut: set[str] = set()  # what segmentation makes of the text: its words ...
    longer: list[str] = []  # ... and the words it makes longer than two characters
    phrases: Counter[str] = Counter()
    for text in folded.values():
        for run in _CJK_RUN.findall(text):
            for size in (2, 3, 4):
                typed.update(
                    run[i : i + size]
                    for i in range(len(run) - size + 1)
                    if dictionary.get(run[i : i + size])
                )
        for word in _jieba().cut(text, HMM=False):
            cut.add(word)
            if len(word) > 2:
                longer.append(word)
        previous = ""  # two-word phrases, as the query segmentation sees the text
        for term in query_terms(text):
            for word in term:
                if _CJK_WORD.match(word) and _CJK_WORD.match(previous):
                    phrases[previous + word] += 1
                previous = word

    def kind(word: str) -> str:
        if word in cut:
            return "dictionary word, a word of the text"
        if any(word in other for other in longer):
            return "dictionary word, inside a longer word"
        return "dictionary word, across words"

    found = [Case(word, kind(word), relevant(word)) for word in sorted(typed)]
    chosen_phrases = [p for p, n in phrases.most_common(200) if n >= 2][::5]
    found += [Case(p, "phrase", relevant(p)) for p in chosen_phrases]
    found += [Case(code.lower(), "code", relevant(code)) for code in CODES]
    found += [Case("complaint", "English", relevant("complaint"))]
    found += [Case(q, "traditional→simplified", relevant(q)) for q in ("顾客档案", "管理制度")]
    return [case for case in found if case.relevant]
