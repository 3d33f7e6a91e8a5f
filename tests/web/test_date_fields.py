"""Dates survive a form in both languages: the zh-Hans data-loss defect (issue 14).

Chromium's <input type=date> reads only an ISO value; the zh-Hans locale's first input format
is 2026/12/05, which it shows as an empty field, and saving the form then erased the date
(a complaint saved only to mark it major lost its closing date and reopened).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from records_dms.accounts import roles
from records_dms.archive.models import ComplaintCase, ComplaintChannel, Severity
from records_dms.archive.services import complaint_open, complaint_update
from tests.conftest import client_for
from tests.factories import make_record

FORM_MODULES = (
    "records_dms.archive.admin.forms",
    "records_dms.reports.admin.forms",
    "records_dms.lending.admin.forms",
    "retention.admin.forms",
    "ingestion.admin.upload",
)
DAY = datetime.date(2026, 12, 5)


def date_fields() -> list[tuple[str, str, forms.Field]]:
    found: list[tuple[str, str, forms.Field]] = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                base_fields: dict[str, forms.Field] = getattr(cls, "base_fields", {})
                for field_name, field in base_fields.items():
                    if isinstance(field, forms.DateField):
                        found.append((f"{name}.{cls_name}", field_name, field))
    return found


def test_every_form_of_ours_is_found() -> None:
    """The walk below means something only if it sees the forms with dates."""
    names = {f"{form}.{field}" for form, field, _ in date_fields()}
    assert "records_dms.archive.admin.forms.ComplaintEditForm.closed_on" in names
    assert "records_dms.archive.admin.forms.RecordEditForm.document_date" in names
    assert len(names) >= 8


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_carries_an_iso_value(language: str) -> None:
    with translation.override(language):
        for form, field_name, field in date_fields():
            html = field.widget.render(field_name, DAY)
            assert 'type="date"' in html, (form, field_name, html)
            assert 'value="2026-12-05"' in html, (form, field_name, html)


class _Inputs(HTMLParser):
    """The values a browser would submit for a form: inputs, selected options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def as_submitted(html: str) -> dict[str, str]:
    form = re.search(r"<form[^>]*method=\"post\".*?</form>", html, re.S | re.I)
    assert form is not None
    parser = _Inputs()
    parser.feed(form.group(0))
    return parser.values


@pytest.fixture
def zh(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.mark.django_db
def test_marking_a_closed_complaint_major_in_chinese_keeps_its_closing_date(
    zh: None, users: dict[str, Any], customer: Any
) -> None:
    clerk = users[roles.CLERK]
    case = complaint_open(
        customer=customer,
        channel=ComplaintChannel.DIRECT,
        subject="交货延迟",
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
    )
    complaint_update(complaint=case, actor=clerk, closed_on=datetime.date(2024, 6, 30))
    client = client_for(clerk)
    url = reverse("archive:complaint_edit", args=[case.pk])
    submitted = as_submitted(client.get(url).content.decode())
    assert submitted["closed_on"] == "2024-06-30"
    submitted["severity"] = Severity.MAJOR
    assert client.post(url, submitted).status_code == 302
    case = ComplaintCase.objects.get(pk=case.pk)
    assert case.severity == Severity.MAJOR
    assert case.closed_on == datetime.date(2024, 6, 30)
    assert case.subject == "交货延迟"


@pytest.mark.django_db
def test_editing_a_record_title_in_chinese_changes_nothing_else(
    zh: None, users: dict[str, Any], customer: Any
) -> None:
    clerk = users[roles.CLERK]
    record = make_record(
        customer, document_date=datetime.date(2024, 3, 1), received_date=datetime.date(2024, 3, 4)
    )
    before = {f: getattr(record, f) for f in ("document_date", "received_date", "type", "channel")}
    client = client_for(clerk)
    url = reverse("archive:record_edit", args=[record.pk])
    submitted = as_submitted(client.get(url).content.decode())
    assert (submitted["document_date"], submitted["received_date"]) == ("2024-03-01", "2024-03-04")
    submitted["title"] = "会议纪要（修订）"
    assert client.post(url, submitted).status_code == 302
    record.refresh_from_db()
    assert record.title == "会议纪要（修订）"
    assert {f: getattr(record, f) for f in before} == before


@pytest.mark.django_db
def test_a_date_typed_the_chinese_way_is_still_understood(
    zh: None, users: dict[str, Any], customer: Any
) -> None:
    """Scripts and older pages post 2024/06/30; the form keeps reading it."""
    clerk = users[roles.CLERK]
    case = complaint_open(
        customer=customer,
        channel=ComplaintChannel.DIRECT,
        subject="包装破损",
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
    )
    client = client_for(clerk)
    url = reverse("archive:complaint_edit", args=[case.pk])
    submitted = as_submitted(client.get(url).content.decode())
    submitted["closed_on"] = "2024/06/30"
    assert client.post(url, submitted).status_code == 302
    assert ComplaintCase.objects.get(pk=case.pk).closed_on == datetime.date(2024, 6, 30)
