"""Forms of the lending screens; the services check every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from records_dms.common.people import display_name
from records_dms.common.widgets import DateInput
from records_dms.lending.models import Condition, LoanKind


class LoanRequestForm(forms.Form):
    references = forms.CharField(
        label=_("file reference numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    kind = forms.ChoiceField(label=_("item"), choices=LoanKind.choices, initial=LoanKind.PAPER)
    due_on = forms.DateField(
        label=_("due date"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the longest period allowed for these records."),
    )
    purpose = forms.CharField(label=_("purpose"), max_length=255)

    def reference_list(self) -> list[str]:
        text = self.cleaned_data["references"]
        return [
            line.strip().upper() for line in text.replace(",", "\n").splitlines() if line.strip()
        ]


class CartRequestForm(forms.Form):
    """The loan request of the borrowing cart: the loan form without the references."""

    kind = forms.ChoiceField(label=_("item"), choices=LoanKind.choices, initial=LoanKind.PAPER)
    due_on = forms.DateField(
        label=_("due date"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the longest period allowed for these records."),
    )
    purpose = forms.CharField(label=_("purpose"), max_length=255)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("note"), max_length=255, required=False)


class SignedForm(forms.Form):
    """A form carrying one signature drawn on the pad, as a PNG data URL."""

    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class ReturnForm(SignedForm):
    note = forms.CharField(label=_("note"), max_length=255, required=False)

    def __init__(self, *args: object, items: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.items = items
        for item in items:
            self.fields[f"condition_{item.pk}"] = forms.ChoiceField(
                label=f"{item.record.reference} {item.record.title}",
                choices=Condition.choices,
                initial=Condition.COMPLETE,
                required=False,
            )

    def conditions(self) -> dict[int, str]:
        return {
            item.pk: self.cleaned_data.get(f"condition_{item.pk}") or Condition.COMPLETE
            for item in self.items
        }


class LocationForm(forms.Form):
    room = forms.CharField(label=_("room"), max_length=50, required=False)
    cabinet = forms.CharField(label=_("cabinet"), max_length=50, required=False)
    shelf = forms.CharField(label=_("shelf"), max_length=50, required=False)
    box = forms.CharField(label=_("box"), max_length=50, required=False)


class ReadingForm(forms.Form):
    reference = forms.CharField(label=_("file reference number"), max_length=48)
    reader = forms.CharField(label=_("reader (user name)"), max_length=150)
    purpose = forms.CharField(label=_("purpose"), max_length=255)


class UserChoiceField(forms.ModelChoiceField):
    """An active user, shown by name and user name."""

    def label_from_instance(self, obj: Any) -> str:
        name = display_name(obj)
        return f"{name} ({obj.get_username()})" if name != obj.get_username() else name


class HandoverForm(forms.Form):
    """Handover (移交) of paper originals: what, from whom, to whom; both sign on the pads."""

    references = forms.CharField(
        label=_("file reference numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    from_user = UserChoiceField(queryset=None, label=_("Handed over by"))
    from_department = forms.CharField(
        label=_("from department"),
        max_length=100,
        required=False,
        help_text=_("Empty: the department the originals were last handed to."),
    )
    to_user = UserChoiceField(queryset=None, label=_("Taken over by"))
    department = forms.CharField(label=_("to department"), max_length=100, required=False)
    from_signature = forms.CharField(widget=forms.HiddenInput, required=False)
    to_signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        for name in ("from_user", "to_user"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people

    def reference_list(self) -> list[str]:
        text = self.cleaned_data["references"]
        found = [line.strip().upper() for line in text.replace(",", "\n").splitlines()]
        return [reference for reference in found if reference]
