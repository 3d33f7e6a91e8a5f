"""What a file says about itself: a title and a document date, suggested for filing.

Used only when the clerk gave none. The title comes from the PDF's own title unless it is a
placeholder ("Untitled", "Microsoft Word - x.docx", the file's name), else from the first
heading line of page 1. The date comes from the text: a labelled date (签发日期、时间、来电时间…)
first, then a date standing alone on a line (a letter's 落款), then the first plausible date.
Chinese (2025年4月2日, 二〇二五年四月二日), ISO (2025-04-02) and slashed (2025/4/2) forms.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

AUTO_TYPE = "auto"  # the record type to take from each file (a mixed batch)
EARLIEST_YEAR = 1980  # no customer archive here holds documents older than this
HEADING_LINES = 8  # a title is among the first lines of page 1
TITLE_MAX_CHARS = 60

_PLACEHOLDER_TITLES = frozenset(
    {"untitled", "无标题", "未命名", "unknown", "document", "title", "new document", "文档"}
)
_PLACEHOLDER_PREFIXES = ("microsoft word - ", "microsoft excel - ", "untitled-", "scan", "img_")
_FILE_SUFFIX = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|txt|wps|odt|jpe?g|png|tiff?)$", re.I)
# Titles of the documents clerks file end so: 会议纪要, 来电记录, 销售合同, 满意度调查表 …
_TITLE_ENDINGS = (
    "纪要",
    "记录",
    "记录表",
    "合同",
    "协议",
    "协议书",
    "调查表",
    "调查问卷",
    "报告",
    "通知",
    "函",
    "制度",
    "投诉",
    "登记表",
    "申请表",
    "确认书",
    "说明",
    "规定",
    "办法",
    "方案",
)
_NOT_A_TITLE = re.compile(
    r"^(第\s*\d+\s*页|page\s*\d+|共\s*\d+\s*页|\d+\s*/\s*\d+|[-—_=*·.\s\d]+)$", re.I
)

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "0": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SP = r"[ \t]*"
_ARABIC_CN = re.compile(
    rf"(?<!\d)(\d{{4}}){_SP}年{_SP}(\d{{1,2}}){_SP}月{_SP}(\d{{1,2}}){_SP}[日号]"
)
_NUMERIC = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
# Tesseract reads 〇 as O, o or 0 now and then, and spaces the characters.
_HANZI = re.compile(
    r"((?:[〇○零Oo0一二三四五六七八九][ \t]*){4})年[ \t]*"
    r"((?:[一二三四五六七八九十][ \t]*){1,3})月[ \t]*"
    r"((?:[一二三四五六七八九十][ \t]*){1,3})[日号]"
)
_LABELS = re.compile(
    r"(签发|发文|成文|签订|签署|签约|落款|记录|来电|来访|受理|收到|会议|调查|填表|填写|投诉)?"
    r"(日期|时间)[ \t]*[:：]?[ \t]*$"
)


@dataclass(frozen=True)
class _Found:
    date: datetime.date
    start: int
    end: int


def title_suggest(
    metadata_title: str, first_page: str, filename: str = "", heading: str = ""
) -> str:
    """The title a clerk would give: the PDF's own unless a placeholder, else the heading
    (``heading``: the line a text layer sets in the largest type, when it is title-like)."""
    title = " ".join(metadata_title.split())
    if title and not _is_placeholder(title, filename):
        return title
    if heading and _may_be_title(heading):
        return heading
    return heading_line(first_page)


def _is_placeholder(title: str, filename: str) -> bool:
    lowered = title.casefold()
    stem = _FILE_SUFFIX.sub("", filename).casefold()
    return (
        lowered in _PLACEHOLDER_TITLES
        or lowered.startswith(_PLACEHOLDER_PREFIXES)
        or bool(_FILE_SUFFIX.search(title))
        or (bool(stem) and lowered == stem)
        or _NOT_A_TITLE.match(title) is not None
    )


def heading_line(text: str) -> str:
    """The first heading line of a page: a title-like ending wins among the first lines."""
    candidates = [line for line in _lines(text)[:HEADING_LINES] if _may_be_title(line)]
    for line in candidates:
        if line.endswith(_TITLE_ENDINGS):
            return line
    return candidates[0] if candidates else ""


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _may_be_title(line: str) -> bool:
    if not 2 <= len(line) <= TITLE_MAX_CHARS or _NOT_A_TITLE.match(line):
        return False
    if any(_dates_in(line)):
        return False  # a date line, not a heading
    # "客户名称：华东精密" is a form field, not a heading.
    return not re.search(r"[:：]\s*\S", line)


def date_suggest(
    pages: Iterable[str], *, today: datetime.date | None = None
) -> datetime.date | None:
    """The document date the text bears, or None when it bears no plausible one."""
    today = today or datetime.date.today()
    text = "\n".join(pages)
    found = [
        item for item in _dates_in(text) if item.date.year >= EARLIEST_YEAR and item.date <= today
    ]
    if not found:
        return None
    for item in found:
        if _LABELS.search(text[max(0, item.start - 12) : item.start]):
            return item.date
    for item in reversed(found):
        if _alone_on_line(text, item):
            return item.date
    return found[0].date


def _alone_on_line(text: str, item: _Found) -> bool:
    line_start = text.rfind("\n", 0, item.start) + 1
    line_end = text.find("\n", item.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return len(line.strip()) <= (item.end - item.start) + 2


def _dates_in(text: str) -> Iterator[_Found]:
    hits: list[_Found] = []
    for pattern, convert in ((_ARABIC_CN, int), (_NUMERIC, int), (_HANZI, None)):
        for match in pattern.finditer(text):
            parts = (
                [int(part) for part in match.groups()]
                if convert
                else [_hanzi_number(part) for part in match.groups()]
            )
            try:
                date = datetime.date(parts[0], parts[1], parts[2])
            except ValueError:
                continue
            hits.append(_Found(date, match.start(), match.end()))
    yield from sorted(hits, key=lambda item: item.start)


def _hanzi_number(text: str) -> int:
    """二〇二五 → 2025 (digit by digit); 十二 → 12, 二十一 → 21, 三十 → 30 (tens)."""
    text = "".join(text.split())
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[char]) for char in text))
    tens, _ten, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


# What a title says a document is, most specific first (合同变更 before 合同).
_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contract_amendment", ("合同变更", "补充协议", "变更协议")),
    ("complaint_handling", ("投诉处理", "处理记录", "处理报告")),
    ("complaint", ("投诉",)),
    ("survey", ("满意度", "调查表", "调查问卷")),
    ("minutes", ("纪要", "会议记录")),
    ("phone_record", ("来电", "电话记录", "通话记录")),
    ("contract", ("合同", "协议")),
    ("feedback", ("反馈", "意见")),
)


def type_suggest(title: str, first_page: str = "") -> str:
    """The record type a title names (page 1's first lines when there is no title; body
    text mentions too many things to say what a document is); ``other`` when none."""
    text = title or "\n".join(_lines(first_page)[:HEADING_LINES])
    for record_type, words in _TYPE_WORDS:
        if any(word in text for word in words):
            return record_type
    return "other"
