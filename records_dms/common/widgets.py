"""Form widgets every app's screens share."""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker. Its ``value`` must be ISO (2026-12-05) whatever the UI
    language: Chromium shows a localised ``2026/12/05`` as an empty field, and the empty field
    is then saved, erasing the date (the zh-Hans data-loss defect)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or ISO_DATE)
