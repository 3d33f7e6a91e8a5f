"""Folding: the fast whole-page path gives exactly the character-by-character fold."""

from __future__ import annotations

import unicodedata

from search import analysis
from tests.factories import SEED_LINES


def _by_character(text: str) -> str:
    return "".join(analysis._fold_char(char) for char in text)


def test_a_page_folds_exactly_as_its_characters_do() -> None:
    # Full-width letters and digits, traditional characters, upper case, a code, and seed text.
    page = "ＱＭＳ－ＰＭ－３１３０１ 顧客檔案管理辦法 AUDIT Trail；" + "".join(SEED_LINES) * 3
    assert len(page) > 100
    folded = analysis.fold(page)
    assert folded == _by_character(page)
    assert "qms-pm-31301" in folded and "顾客档案管理办法" in folded and "audit trail;" in folded


def test_characters_that_fold_to_several_or_lie_beyond_the_bmp_take_the_exact_path() -> None:
    page = "Straße ½ 𝐀𝐁𝐂 顧客" * 10  # ß → ss, ½ → 1⁄2, mathematical bold → ABC → abc
    folded = analysis.fold(page)
    assert folded == _by_character(page)
    assert "strasse" in folded and "abc" in folded and "顾客" in folded
    assert folded == unicodedata.normalize("NFKC", folded)  # already in its folded form
