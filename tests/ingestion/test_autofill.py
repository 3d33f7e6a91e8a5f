"""Filing fills itself in (issue 15): a file's title and document date come from the file
when the clerk gives none — the PDF's own title unless it is a placeholder, else the heading
of page 1; the date the text bears (Chinese, ISO and slashed forms) before today."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from benchmarks.autofill_docs import Document, document_pdf, documents, written
from ingestion.services import record_file
from ingestion.suggest import AUTO_TYPE, date_suggest, heading_line, title_suggest, type_suggest
from records_dms.common.pdfrender import render_scan_png
from tests.factories import SEED_LINES

TODAY = datetime.date(2026, 12, 5)
DAY = datetime.date(2025, 4, 2)


@pytest.mark.parametrize(
    "text",
    [
        "会议时间：2025年4月2日 上午9:30",
        "签订日期：2025-04-02",
        "来电时间：2025/4/2 14:20",
        "投诉日期：2025.4.2",
        "填表日期：二〇二五年四月二日",
        "日期: 2025 年 4 月 2 日",  # as Tesseract spaces it
        "来电时间:二 O 二五年四月二日14:20",  # as Tesseract may read a scan: 〇 as O, spaced
    ],
)
def test_every_written_form_of_a_date_is_read(text: str) -> None:
    assert date_suggest([f"客户沟通会议纪要\n{text}\n正文"], today=TODAY) == DAY


def test_a_labelled_date_wins_over_earlier_dates_in_the_text() -> None:
    text = "产品销售合同\n参照2024年1月5日的报价\n签订日期：2025年4月2日\n期限至2027年1月1日"
    assert date_suggest([text], today=TODAY) == DAY


def test_a_letter_is_dated_by_the_date_standing_alone_at_its_foot() -> None:
    text = (
        "关于客户档案整理的通知\n按2024年3月1日会议决定，各部门整理档案。\n华东精密\n2025年4月2日"
    )
    assert date_suggest([text], today=TODAY) == DAY


def test_impossible_future_and_ancient_dates_are_not_document_dates() -> None:
    assert date_suggest(["日期：2025-13-45；2030年1月1日；1901年2月3日"], today=TODAY) is None
    assert date_suggest(["没有日期的文字"], today=TODAY) is None


def test_the_pdf_title_stands_unless_it_is_a_placeholder() -> None:
    page = "华东精密机械有限公司\n客户沟通会议纪要\n会议时间：2025年4月2日"
    assert title_suggest("年度质量报告", page) == "年度质量报告"
    for placeholder in ("", "Untitled", "Microsoft Word - 文档1.docx", "scan0001", "纪要.pdf"):
        assert title_suggest(placeholder, page, "纪要.pdf") == "客户沟通会议纪要", placeholder


def test_the_heading_is_neither_a_form_field_a_date_nor_a_page_number() -> None:
    assert (
        heading_line("第1页\n客户名称：华东精密\n2025年4月2日\n客户来电记录\n正文")
        == "客户来电记录"
    )
    assert heading_line("顾客投诉处理流程说明文字较短\n正文") == "顾客投诉处理流程说明文字较短"
    assert heading_line("") == ""


@pytest.mark.django_db
def test_a_pdf_with_a_placeholder_title_is_filed_under_its_heading_and_date(
    customer, clerk
) -> None:
    document = Document(
        "minutes",
        "客户沟通会议纪要",
        DAY,
        ["华东精密机械有限公司", "客户沟通会议纪要", f"会议时间：{written(DAY, 4)}", *SEED_LINES],
        "Untitled",
    )
    record = record_file(
        customer=customer,
        stream=io.BytesIO(document_pdf(document)),
        filename="scan.pdf",
        type="minutes",
        document_date=None,
        actor=clerk,
    )
    assert (record.title, record.document_date) == ("客户沟通会议纪要", DAY)
    assert record.reference.endswith(f"-{DAY.year}-0001")  # the number follows the date


@pytest.mark.django_db
def test_a_scanned_page_is_titled_and_dated_from_its_ocr_text(customer, clerk) -> None:
    png = render_scan_png(["客户来电记录", "来电时间：2025年4月2日", "来电客户：华东精密"])
    record = record_file(
        customer=customer,
        stream=io.BytesIO(png),
        filename="IMG_0001.png",
        type="phone_record",
        document_date=None,
        actor=clerk,
    )
    assert (record.title, record.document_date) == ("客户来电记录", DAY)


@pytest.mark.django_db
def test_what_the_clerk_typed_wins_and_a_dateless_file_is_dated_today(customer, clerk) -> None:
    document = next(documents(SEED_LINES, 1))
    typed = record_file(
        customer=customer,
        stream=io.BytesIO(document_pdf(document)),
        filename="a.pdf",
        type="minutes",
        title="改过的题名",
        document_date=datetime.date(2020, 2, 2),
        actor=clerk,
    )
    assert (typed.title, typed.document_date) == ("改过的题名", datetime.date(2020, 2, 2))
    plain = Document("other", "", DAY, ["没有日期的正文内容"], "")
    dateless = record_file(
        customer=customer,
        stream=io.BytesIO(document_pdf(plain)),
        filename="无日期.pdf",
        type="other",
        document_date=None,
        actor=clerk,
    )
    assert dateless.document_date == timezone.localdate()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("产品销售合同", "contract"),
        ("合同变更协议", "contract_amendment"),
        ("客户沟通会议纪要", "minutes"),
        ("客户来电记录", "phone_record"),
        ("2024年度客户满意度调查表", "survey"),
        ("顾客投诉登记表", "complaint"),
        ("投诉处理记录", "complaint_handling"),
        ("关于客户档案整理的通知", "other"),
    ],
)
def test_a_title_names_the_record_type(title: str, expected: str) -> None:
    assert type_suggest(title) == expected


@pytest.mark.django_db
def test_a_mixed_batch_takes_each_files_type_from_its_title(customer, clerk) -> None:
    """Issue 15, per-file type in a batch: type "auto" files each document as what it is."""
    filed = {}
    for document in list(documents(SEED_LINES, 6)):
        record = record_file(
            customer=customer,
            stream=io.BytesIO(document_pdf(document)),
            filename=f"{document.kind}.pdf",
            type=AUTO_TYPE,
            document_date=None,
            actor=clerk,
        )
        filed[document.kind] = record.type
    assert filed == {
        "minutes": "minutes",
        "phone": "phone_record",
        "contract": "contract",
        "survey": "survey",
        "notice": "other",
        "complaint": "complaint",
    }
