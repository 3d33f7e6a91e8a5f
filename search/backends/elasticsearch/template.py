"""The index template: mappings and Chinese analysis of the concrete indices ``<alias>-*``.

The page text is indexed as stored (``text``, ``meta``) and folded by the analyzers, so the
server's highlighter marks the original characters (顧客檔案 for a query 顾客档案) and hits
need not bring the whole page back. Folding is a ``mapping`` char filter made from
``search.analysis``'s own fold of the CJK, compatibility and full-width characters
(traditional→simplified, full-width→half-width), followed by ``lowercase``: built-in parts,
so it works on any 9.x server, and queries (folded in Python) meet the same forms.

With ``smartcn`` a word is found only where the segmenter cut it out in context (碎纸 not in
碎纸机), so the text also gets a ``grams`` subfield of CJK bigrams, the same analysis as the
``cjk`` template, which finds two-character words inside longer ones.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ... import analysis

ANALYZER = "dms_zh"
GRAMS_ANALYZER = "dms_grams"
FOLD_FILTER = "dms_fold"
CHINESE = ("cjk", "smartcn")
TEMPLATE_FILES = {"cjk": "index-template.json", "smartcn": "index-template-smartcn.json"}
# Where search.analysis.fold changes a character beyond what the lowercase filter does.
_FOLDED_RANGES = ((0x3000, 0x3000), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFFEF))


@lru_cache(maxsize=1)
def fold_mappings() -> tuple[str, ...]:
    """``mapping`` char filter rules ("顧 => 顾") agreeing with ``analysis.fold``."""
    rules = []
    for first, last in _FOLDED_RANGES:
        for point in range(first, last + 1):
            char = chr(point)
            folded = analysis._fold_char(char)
            if folded and folded not in (char, char.lower()):
                rules.append(f"{_escape(char)} => {_escape(folded)}")
    return tuple(rules)


def _escape(text: str) -> str:
    # The rule syntax trims spaces and gives "=", ">" and "\" meaning: escape what is not CJK.
    return "".join(c if "\u3400" <= c <= "\u9fff" else f"\\u{ord(c):04x}" for c in text)


def index_template(index: str = "dms-pages", chinese: str = "cjk") -> dict[str, Any]:
    """The index template for the concrete indices ``<index>-*`` (PUT _index_template/<index>).

    ``chinese``: "cjk" (built-in bigrams, any server) or "smartcn" (the analysis-smartcn
    plugin's word segmentation, plus a bigram subfield).
    """
    if chinese not in CHINESE:
        raise ValueError(f"chinese must be one of {CHINESE}, not {chinese!r}")
    bigrams = {
        "type": "custom",
        "char_filter": [FOLD_FILTER],
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "cjk_bigram"],
    }
    analyzers: dict[str, Any] = {ANALYZER: bigrams}
    searched: dict[str, Any] = {"type": "text", "analyzer": ANALYZER}
    if chinese == "smartcn":
        analyzers = {
            ANALYZER: {
                "type": "custom",
                "char_filter": [FOLD_FILTER],
                "tokenizer": "smartcn_tokenizer",
                "filter": ["cjk_width", "lowercase"],
            },
            GRAMS_ANALYZER: bigrams,
        }
        searched["fields"] = {"grams": {"type": "text", "analyzer": GRAMS_ANALYZER}}
    return {
        "index_patterns": [f"{index}-*"],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "analysis": {
                    "char_filter": {
                        FOLD_FILTER: {"type": "mapping", "mappings": list(fold_mappings())}
                    },
                    "analyzer": analyzers,
                },
            },
            "mappings": {
                "dynamic": "strict",
                "_routing": {"required": True},  # the customer id
                "properties": {
                    "record_id": {"type": "long"},
                    "page": {"type": "integer"},
                    "reference": {"type": "keyword"},
                    "customer_id": {"type": "long"},
                    "customer": {"type": "keyword"},
                    "record_type": {"type": "keyword"},
                    "title": {"type": "keyword", "index": False, "doc_values": False},
                    "document_date": {"type": "date", "format": "strict_date"},
                    "year": {"type": "keyword"},
                    "confidentiality": {"type": "keyword"},
                    "state": {"type": "keyword"},
                    "text": searched,
                    "meta": searched,
                },
            },
        },
    }


def template_json(chinese: str = "cjk", index: str = "dms-pages") -> str:
    """The template as infra/elasticsearch/ holds it (a test keeps the two equal)."""
    return json.dumps(index_template(index, chinese), indent=2, ensure_ascii=False) + "\n"
