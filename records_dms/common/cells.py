"""Spreadsheet cells that stay data: text a spreadsheet program would run as a formula
(OWASP "CSV injection": a leading ``= + - @``, tab or carriage return) is escaped in every
CSV and XLSX the archive writes. Every writer passes its text cells through here."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet program read ``text`` as a formula (or a DDE command)?"""
    return text.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> str:
    """A CSV field: formula-like text gets a leading single quote, so it shows as typed."""
    text = "" if value is None else str(value)
    return f"'{text}" if is_formula_like(text) else text


def csv_row(values: Any) -> list[str]:
    return [csv_text(value) for value in values]


def xlsx_text_cell(worksheet: Any, text: str) -> Any:
    """A write-only XLSX cell holding ``text`` as a string, never a formula.

    openpyxl turns any string starting with ``=`` into a formula; this cell is typed as a
    string, and formula-like text carries Excel's quote prefix (the XLSX form of the single
    quote), so editing the cell does not turn it into a formula either.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=None)
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell
