"""Pages shuffled from the seed texts' sentences: small, predictable, a few hundred distinct
sentences. The scale tests (tests/search/test_sqlite_scale.py) and the load benchmark
(benchmarks/load.py) use them; the search benchmark's archive is benchmarks/corpus.py.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterator
from pathlib import Path

from search.types import PageDoc

from .corpus import SEEDS

CUSTOMERS = 200
TYPES = (
    "contract", "contract_amendment", "minutes", "phone_record", "email", "survey",
    "complaint", "complaint_handling",
)  # fmt: skip
STATES = ("filed", "filed", "filed", "filed", "due", "held", "approved")
LEVELS = ("internal", "internal", "internal", "confidential", "secret")
ENGLISH = (
    "Audit trail reviewed.", "Customer complaint closed.", "ISO 9001 clause 7.5.3.",
    "Retention period: 3 years.", "Shredder log signed.", "Service level agreement.",
)  # fmt: skip
QUERIES = (
    "投诉", "档案", "客户", "记录", "保存", "管理", "保存期限", "顾客投诉处理", "碎纸机",
    "客户信息 安全", "QMS-PM-31301", "qms-pm-31422", "audit", "shredder", "ISO 9001",
)  # fmt: skip
__all__ = ["CUSTOMERS", "QUERIES", "SEEDS", "generate", "sentences"]


def sentences(seeds: Path) -> list[str]:
    """The seed texts cut into sentences (ends of sentences and lines), short bits dropped."""
    found: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text("utf-8")
        for piece in re.split(r"(?<=[。!?;!?])|\n", text):
            piece = piece.strip()
            if len(piece) >= 6:
                found.append(piece)
    if not found:
        raise SystemExit(f"no seed texts in {seeds}")
    return found


def generate(pages: int, pool: list[str], seed: int = 4) -> Iterator[PageDoc]:
    """``pages`` pages of records, deterministic for a given seed."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    made, record_id = 0, 0
    while made < pages:
        record_id += 1
        customer = rng.randrange(1, CUSTOMERS + 1)
        record_type = rng.choice(TYPES)
        date = datetime.date(rng.randrange(2015, 2027), rng.randrange(1, 13), rng.randrange(1, 29))
        level, state = rng.choice(LEVELS), rng.choice(STATES)
        reference = f"KH-{customer:04d}-{date.year}-{record_id:06d}"
        title = rng.choice(pool)[:40]
        for number in range(1, min(rng.randrange(1, 9), pages - made) + 1):
            yield PageDoc(
                record_id=record_id,
                page=number,
                reference=reference,
                customer_id=customer,
                customer=f"KH-{customer:04d}",
                record_type=record_type,
                title=title,
                document_date=date,
                confidentiality=level,
                state=state,
                text=page_text(rng, pool),
                meta=f"{reference} {title}" if number == 1 else "",
            )
            made += 1


def page_text(rng: random.Random, pool: list[str]) -> str:
    target = rng.randrange(600, 1400)
    parts: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.04:
            part = f"依据QMS-PM-{rng.randrange(31300, 31500)}执行。"
        elif roll < 0.07:
            part = rng.choice(ENGLISH)
        else:
            part = rng.choice(pool)
        parts.append(part)
        size += len(part)
    return "".join(parts)
