"""A synthetic archive that looks like a real one to a search index.

What makes a search benchmark honest is the shape of the vocabulary: a real archive has tens
of thousands of distinct words, a few on nearly every page and most on a handful
(Zipf's law), plus names, codes, dates and amounts that are nearly unique. This corpus draws
every page anew from such a vocabulary:

* words: the WORDS most frequent Chinese words of jieba's dictionary (dict.txt, with its
  frequencies, which follow Zipf's law), and every word of the seed texts
  (tests/fixtures/seeds, or DMS_SEEDS_DIR) weighted up, so the archive's own language
  (档案, 投诉, 保存期限) is common as it is in a records office;
* CUSTOMERS customer names (region + two words + a company form), records spread over them by
  a Zipf law as real customers are;
* document codes (QMS-PM-31301; CODES of them, Zipf), dates in Chinese and ISO form, amounts,
  quantities and phone numbers;
* sentences of 4–24 words assembled per page, never reused; pages of 200–3,000 characters
  (log-uniform: most are short, some are long).

Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from search import PageDoc

SEEDS = Path(
    os.environ.get("DMS_SEEDS_DIR")
    or Path(__file__).resolve().parent.parent / "tests/fixtures/seeds"
)
WORDS = 40_000
CUSTOMERS = 2_000
CODES = 20_000
SEED_WEIGHT = 30.0  # how much more often a word of the seed texts is written than jieba says
PAGE_MIN, PAGE_MAX = 200, 3_000
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
TYPES = (
    "contract", "contract_amendment", "minutes", "phone_record", "email", "survey",
    "complaint", "complaint_handling",
)  # fmt: skip
STATES = ("filed", "filed", "filed", "filed", "due", "held", "approved")
LEVELS = ("internal", "internal", "internal", "confidential", "secret")
DEPARTMENTS = ("PM", "CS", "QA", "HR", "FIN", "LOG", "IT", "RD", "SAL", "ADM")
REGIONS = (
    "华东", "华南", "华北", "西南", "东北", "江苏", "浙江", "广东", "山东", "四川", "湖北",
    "上海", "北京", "深圳", "苏州", "杭州", "宁波", "青岛", "成都", "武汉", "南京", "天津",
)  # fmt: skip
FORMS = ("有限公司", "股份有限公司", "集团有限公司", "科技有限公司", "贸易有限公司", "研究所")
ENDS = "，，，，。。。；："


def _jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _zipf(count: int, exponent: float = 1.0) -> np.ndarray[Any, Any]:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


@dataclass
class Vocabulary:
    """The words of the archive and how often each is written."""

    words: list[str]
    weights: np.ndarray[Any, Any]  # probabilities, aligned with words
    seed_words: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def load(cls, seeds: Path = SEEDS, size: int = WORDS) -> Vocabulary:
        frequency: dict[str, float] = {}
        for line in _jieba_dictionary().read_text("utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and _CJK_WORD.match(parts[0]):
                frequency[parts[0]] = float(parts[1])
        chosen = dict(sorted(frequency.items(), key=lambda item: -item[1])[:size])
        from search.analysis import _jieba

        seed_words: set[str] = set()
        for path in sorted(seeds.glob("*.txt")):
            for word in _jieba().cut(path.read_text("utf-8"), HMM=False):
                if _CJK_WORD.match(word) and len(word) > 1:
                    seed_words.add(word)
        if not seed_words:
            raise SystemExit(f"no seed texts in {seeds}")
        for word in seed_words:
            chosen[word] = max(chosen.get(word, 0.0), frequency.get(word, 1.0)) * SEED_WEIGHT
        words = sorted(chosen, key=lambda word: -chosen[word])
        weights = np.array([chosen[word] for word in words])
        return cls(words, weights / weights.sum(), frozenset(seed_words))


@dataclass
class Corpus:
    vocabulary: Vocabulary
    seed: int = 4

    @cached_property
    def customers(self) -> list[str]:
        rng = random.Random(self.seed + 1)  # noqa: S311 (test data, not secrets)
        nouns = [w for w in self.vocabulary.words[:5000] if len(w) == 2]
        names: dict[str, None] = {}
        while len(names) < CUSTOMERS:
            name = rng.choice(REGIONS) + rng.choice(nouns) + rng.choice(nouns) + rng.choice(FORMS)
            names[name] = None
        return list(names)

    def code(self, rng: np.random.Generator) -> str:
        rank = int(min(rng.zipf(1.3), CODES))
        department = DEPARTMENTS[rank % len(DEPARTMENTS)]
        return f"QMS-{department}-{30000 + rank * 7 % 70000:05d}"

    def pages(self, count: int, first_record: int = 1) -> Iterator[PageDoc]:
        """``count`` pages of records (1–8 pages each), deterministic for the corpus seed."""
        rng = np.random.default_rng(self.seed + first_record)
        customer_weights = _zipf(CUSTOMERS, 0.8)
        made, record_id = 0, first_record - 1
        while made < count:
            record_id += 1
            customer = int(rng.choice(CUSTOMERS, p=customer_weights)) + 1
            date = datetime.date(2015, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 4380)))
            record_type = TYPES[int(rng.integers(len(TYPES)))]
            reference = f"KH-{customer:04d}-{date.year}-{record_id:07d}"
            title = self.sentence(rng, 3, 8).rstrip(ENDS)
            for number in range(1, min(int(rng.integers(1, 9)), count - made) + 1):
                yield PageDoc(
                    record_id=record_id,
                    page=number,
                    reference=reference,
                    customer_id=customer,
                    customer=self.customers[customer - 1],
                    record_type=record_type,
                    title=title,
                    document_date=date,
                    confidentiality=LEVELS[int(rng.integers(len(LEVELS)))],
                    state=STATES[int(rng.integers(len(STATES)))],
                    text=self.page_text(rng, customer, date),
                    meta=f"{reference} {title}" if number == 1 else "",
                )
                made += 1

    def sentence(self, rng: np.random.Generator, shortest: int = 4, longest: int = 24) -> str:
        size = int(rng.integers(shortest, longest + 1))
        picked = rng.choice(len(self.vocabulary.words), size=size, p=self.vocabulary.weights)
        return "".join(self.vocabulary.words[i] for i in picked) + ENDS[int(rng.integers(9))]

    def page_text(self, rng: np.random.Generator, customer: int, date: datetime.date) -> str:
        target = int(np.exp(rng.uniform(np.log(PAGE_MIN), np.log(PAGE_MAX))))
        parts = [f"客户：{self.customers[customer - 1]}。"]
        size = len(parts[0])
        words = self.vocabulary.words
        # Words for the whole page drawn at once (numpy's choice is slow per call).
        picked = rng.choice(len(words), size=target, p=self.vocabulary.weights)
        at = 0
        while size < target and at < len(picked):
            roll = rng.random()
            if roll < 0.05:
                part = f"依据{self.code(rng)}执行。"
            elif roll < 0.08:
                other = date + datetime.timedelta(days=int(rng.integers(-400, 400)))
                part = (
                    f"{other.year}年{other.month}月{other.day}日"
                    if roll < 0.065
                    else other.isoformat() + " "
                )
            elif roll < 0.11:
                part = (
                    f"金额{rng.integers(100, 10**7) / 100:,.2f}元，数量{rng.integers(1, 5000)}件。"
                )
            elif roll < 0.12:
                part = f"联系电话1{rng.integers(3, 10)}{rng.integers(10**8, 10**9)}。"
            elif roll < 0.13:
                part = f"{self.customers[int(rng.integers(CUSTOMERS))]}"
            else:
                size_ = int(rng.integers(4, 25))
                chunk = picked[at : at + size_]
                at += size_
                part = "".join(words[i] for i in chunk) + ENDS[int(rng.integers(9))]
            parts.append(part)
            size += len(part)
        return "".join(parts)[: max(target, PAGE_MIN)]
