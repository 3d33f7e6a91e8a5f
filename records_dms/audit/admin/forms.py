"""The audit trail's filter: user, action and customer from what the trail holds, a date range."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from records_dms.audit import selectors
from records_dms.common.widgets import DateInput


class AuditFilterForm(forms.Form):
    actor_name = forms.ChoiceField(label=_("user"), required=False)
    action = forms.ChoiceField(label=_("action"), required=False)
    customer_code = forms.ChoiceField(label=_("customer code"), required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("all"))]
        for name, choices in (
            ("actor_name", selectors.actor_choices()),
            ("action", selectors.action_choices()),
            ("customer_code", selectors.customer_choices()),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = everything + choices

    def filters(self) -> selectors.AuditFilters:
        """The valid filters; an invalid field is left out rather than failing the page."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return selectors.AuditFilters(**data)
