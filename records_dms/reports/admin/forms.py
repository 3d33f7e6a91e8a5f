"""Forms of the QMS screens: register filters and survey results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import ComplaintChannel, Severity
from records_dms.common.widgets import DateInput
from records_dms.reports.selectors import ComplaintFilters

# The questions a new survey form starts with; each survey keeps the text it was asked with.
DEFAULT_QUESTIONS = [
    _("Attitude of the service staff"),
    _("Speed of response"),
    _("Problems solved"),
    _("Accuracy of documents and records"),
    _("Keeping of commitments"),
]
EXTRA_QUESTION_ROWS = 2


class ComplaintFilterForm(forms.Form):
    customer = forms.CharField(label=_("customer code"), required=False, max_length=32)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)
    opened_from = forms.DateField(label=_("opened from"), required=False, widget=DateInput)
    opened_to = forms.DateField(label=_("opened until"), required=False, widget=DateInput)
    channel = forms.ChoiceField(
        label=_("channel"), required=False, choices=[("", "—"), *ComplaintChannel.choices]
    )
    severity = forms.ChoiceField(
        label=_("severity"), required=False, choices=[("", "—"), *Severity.choices]
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", "—"), ("open", _("Open")), ("closed", _("Closed"))],
    )

    def filters(self) -> ComplaintFilters:
        """The valid filters; an invalid field is ignored rather than failing the page."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return ComplaintFilters(**data)


class SurveyResultForm(forms.Form):
    overall = forms.DecimalField(
        label=_("overall score"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        help_text=_("0–100. Left empty: the mean of the questions' scores."),
    )
    remarks = forms.CharField(
        label=_("remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SurveyAnswerForm(forms.Form):
    question = forms.CharField(label=_("question"), required=False, max_length=200)
    score = forms.DecimalField(
        label=_("score"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("question") and cleaned.get("score") is None:
            self.add_error("score", _("Give this question a score."))
        if cleaned.get("score") is not None and not cleaned.get("question"):
            self.add_error("question", _("Which question is this score for?"))
        return cleaned


SurveyAnswerFormSet = forms.formset_factory(SurveyAnswerForm, extra=0)


def default_answers() -> list[dict[str, Any]]:
    """Initial rows: the default questions in the archive's language, then blank rows."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [{"question": str(q), "score": None} for q in DEFAULT_QUESTIONS]
    return rows + [{"question": "", "score": None}] * EXTRA_QUESTION_ROWS
