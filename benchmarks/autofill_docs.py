"""Documents as clerks file them, with the title and date a clerk would give them.

Six kinds (minutes, phone record, contract, satisfaction survey, notice with its date at the
foot, complaint form), each dated in one of the forms Chinese offices write (2025年4月2日,
2025-04-02, 2025/4/2, 2025.4.2, 二〇二五年四月二日), with distracting dates in the body
(contract terms, earlier visits), a company name above some headings, body text from the
seed policies, and PDF title metadata that is right, a placeholder or missing.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from records_dms.common.pdfrender import chinese_font

COMPANIES = ("华东精密机械有限公司", "江南物业服务有限公司", "顺达物流股份有限公司")
HANZI_DIGITS = "〇一二三四五六七八九"


Dates = tuple[datetime.date, datetime.date]  # an earlier and a later date, as distractors
Kind = tuple[str, str, list[str]]  # kind, title, lines


@dataclass(frozen=True)
class Document:
    kind: str
    title: str  # what a clerk would type
    date: datetime.date  # the document date it bears
    lines: list[str]  # page 1, top to bottom
    metadata_title: str  # the PDF's Title entry ("" when absent)


def written(date: datetime.date, form: int) -> str:
    """``date`` as offices write it, in one of five forms."""
    if form == 0:
        return f"{date.year}年{date.month}月{date.day}日"
    if form == 1:
        return date.isoformat()
    if form == 2:
        return f"{date.year}/{date.month}/{date.day}"
    if form == 3:
        return f"{date.year}.{date.month}.{date.day}"
    year = "".join(HANZI_DIGITS[int(digit)] for digit in str(date.year))
    return f"{year}年{_tens(date.month)}月{_tens(date.day)}日"


def _tens(number: int) -> str:
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else HANZI_DIGITS[tens] + "十")
    return head + (HANZI_DIGITS[units] if units else "") if number >= 10 else HANZI_DIGITS[units]


def documents(body: list[str], count: int, seed: int = 7) -> Iterator[Document]:
    """``count`` documents, kinds and date forms in turn, the rest drawn from ``seed``."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    kinds = (_minutes, _phone, _contract, _survey, _notice, _complaint)
    for number in range(count):
        date = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2190))
        earlier = date - datetime.timedelta(days=rng.randrange(30, 400))
        later = date + datetime.timedelta(days=rng.randrange(30, 700))
        company = rng.choice(COMPANIES)
        text = rng.sample(body, k=min(3, len(body)))
        kind, title, lines = kinds[number % len(kinds)](
            date, number % 5, company, text, (earlier, later)
        )
        metadata = (title, "Untitled", "Microsoft Word - 文档1.docx", "")[number % 4]
        yield Document(kind, title, date, lines, metadata)


def _minutes(date: datetime.date, form: int, company: str, text: list[str], others: Dates) -> Kind:
    title = "客户沟通会议纪要"
    return (
        "minutes",
        title,
        [
            company,
            title,
            f"会议时间：{written(date, form)} 上午9:30",
            "地点：三楼会议室",
            *text,
            f"上次会议：{written(others[0], 0)}",
        ],
    )


def _phone(date: datetime.date, form: int, company: str, text: list[str], others: Dates) -> Kind:
    title = "客户来电记录"
    return (
        "phone",
        title,
        [title, f"来电时间：{written(date, form)} 14:20", f"来电客户：{company}", *text],
    )


def _contract(date: datetime.date, form: int, company: str, text: list[str], others: Dates) -> Kind:
    title = "产品销售合同"
    return (
        "contract",
        title,
        [
            title,
            "合同编号：HT-2025-017",
            f"签订日期：{written(date, form)}",
            f"合同期限：{written(date, 0)}至{written(others[1], 0)}",
            *text,
        ],
    )


def _survey(date: datetime.date, form: int, company: str, text: list[str], others: Dates) -> Kind:
    title = f"{date.year}年度客户满意度调查表"
    return (
        "survey",
        title,
        [title, f"客户名称：{company}", f"填表日期：{written(date, form)}", *text],
    )


def _notice(date: datetime.date, form: int, company: str, text: list[str], others: Dates) -> Kind:
    title = "关于客户档案整理的通知"
    return (
        "notice",
        title,
        [
            title,
            f"各部门：（参照{written(others[0], 0)}会议决定）",
            *text,
            company,
            written(date, form),
        ],
    )


def _complaint(
    date: datetime.date, form: int, company: str, text: list[str], others: Dates
) -> Kind:
    title = "顾客投诉登记表"
    return (
        "complaint",
        title,
        [company, title, f"投诉日期：{written(date, form)}", "投诉方式：电话", *text],
    )


def document_pdf(document: Document) -> bytes:
    """The document as a word processor exports it: a text layer, one heading, body lines."""
    font = chinese_font()
    heading = ParagraphStyle("h", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, title=document.metadata_title, author="")
    story: list = []
    for line in document.lines:
        style = heading if line == document.title else body
        story += [Paragraph(escape(line), style), Spacer(1, 4)]
    pdf.build(story)
    return buffer.getvalue()
