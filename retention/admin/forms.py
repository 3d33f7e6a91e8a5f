"""Forms of the retention screens; saving always goes through a service."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer, RecordType, Severity, Volume
from records_dms.archive.selectors import visible_customers
from records_dms.common.widgets import DateInput
from retention.models import Disposition, RetentionClass, RetentionSchedule, TriggerEvent


class QueueFilterForm(forms.Form):
    on = forms.DateField(label=_("due on or before"), required=False, widget=DateInput)
    customer = forms.ModelChoiceField(
        label=_("customer"), queryset=Customer.objects.all(), required=False
    )
    type = forms.ChoiceField(
        label=_("record type"), choices=[("", "—"), *RecordType.choices], required=False
    )
    schedule = forms.ModelChoiceField(
        label=_("retention schedule"), queryset=RetentionSchedule.objects.all(), required=False
    )


class ScheduleForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    record_types = forms.MultipleChoiceField(
        label=_("record types"), choices=RecordType.choices, widget=forms.CheckboxSelectMultiple
    )
    complaint_severity = forms.ChoiceField(
        label=_("complaint severity"),
        choices=[("", _("any")), *Severity.choices],
        required=False,
    )
    trigger = forms.ChoiceField(label=_("trigger event"), choices=TriggerEvent.choices)
    period_years = forms.IntegerField(label=_("years"), min_value=0, max_value=200)
    period_months = forms.IntegerField(label=_("months"), min_value=0, max_value=11)
    period_days = forms.IntegerField(label=_("days"), min_value=0, max_value=366)
    disposition = forms.ChoiceField(label=_("disposition"), choices=Disposition.choices)
    retention_class = forms.ChoiceField(
        label=_("retention class"),
        choices=RetentionClass.choices,
        required=False,
        help_text=_("DA/T 22-2015: its code (Y, D30, D10) is part of the standard 档号."),
    )
    active = forms.BooleanField(label=_("active"), required=False)

    @classmethod
    def initial_for(cls, schedule: RetentionSchedule) -> dict[str, Any]:
        return {name: getattr(schedule, name) for name in cls.base_fields}


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
    references = forms.CharField(
        label=_("file reference numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line or separated by spaces."),
    )
    customer = forms.ModelChoiceField(
        label=_("whole dossier of"), queryset=Customer.objects.all(), required=False
    )
    # Chosen by the volume's reference (customer code / number and title), never by an
    # internal id; the value is still the volume's id, which the view looks up.
    volume = forms.TypedChoiceField(label=_("volume"), required=False, coerce=int, empty_value=None)
    query = forms.CharField(label=_("what this search finds"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        volumes = Volume.objects.select_related("customer").order_by("customer__code", "number")
        if user is not None:
            volumes = volumes.filter(customer__in=visible_customers(user=user))
        field = cast(forms.TypedChoiceField, self.fields["volume"])
        field.choices = [("", "—"), *((v.pk, str(v)) for v in volumes)]


class SealForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("customer"), queryset=Customer.objects.filter(sealed=False)
    )
    reason = forms.CharField(label=_("reason"), max_length=300)


class DeletionRequestForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.all())
    received_on = forms.DateField(label=_("received on"), widget=DateInput)
    requester = forms.CharField(label=_("requested by"), max_length=200)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


WITNESS_SLOTS = 3


class WitnessChoiceField(forms.ModelChoiceField):
    """A user who can witness, shown by name and user name."""

    def label_from_instance(self, obj: Any) -> str:
        from retention.services.witnesses import person_name

        name = person_name(obj)
        return f"{name} ({obj.get_username()})" if name != obj.get_username() else name


class ExecuteForm(forms.Form):
    """Execution of an approved list: the paper method and the witnesses (监销人), each a user
    or a named person, each signing on a pad. The service checks every rule."""

    paper_method = forms.CharField(
        label=_("method for paper originals"),
        max_length=100,
        initial=_("shredding"),
        required=False,
    )

    def __init__(self, *args: Any, executor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        people = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(pk=executor.pk)
            .order_by("last_name", "first_name", "username")
        )
        for n in range(1, WITNESS_SLOTS + 1):
            self.fields[f"witness_{n}_user"] = WitnessChoiceField(
                queryset=people, required=False, label=_("user")
            )
            self.fields[f"witness_{n}_name"] = forms.CharField(
                label=_("or a person's name"), max_length=100, required=False
            )
            self.fields[f"witness_{n}_unit"] = forms.CharField(
                label=_("department"), max_length=100, required=False
            )
            self.fields[f"witness_{n}_signature"] = forms.CharField(
                widget=forms.HiddenInput, required=False
            )

    def slots(self) -> list[dict[str, Any]]:
        """The bound fields of each witness slot, for the template."""
        return [
            {
                "number": n,
                "user": self[f"witness_{n}_user"],
                "name": self[f"witness_{n}_name"],
                "unit": self[f"witness_{n}_unit"],
                "signature": self[f"witness_{n}_signature"],
            }
            for n in range(1, WITNESS_SLOTS + 1)
        ]

    def witnesses(self) -> list[Any]:
        """The filled slots as the service takes them; a slot with a name but no drawing gets
        its field's error."""
        from records_dms.common.handsign import png_from_data_url
        from retention.services.witnesses import WitnessSignature

        found = []
        for n in range(1, WITNESS_SLOTS + 1):
            user = self.cleaned_data.get(f"witness_{n}_user")
            name = self.cleaned_data.get(f"witness_{n}_name", "")
            drawn = self.cleaned_data.get(f"witness_{n}_signature", "")
            if user is None and not name and not drawn:
                continue
            try:
                png = png_from_data_url(drawn)
            except forms.ValidationError as error:
                self.add_error(f"witness_{n}_signature", error)
                continue
            unit = self.cleaned_data.get(f"witness_{n}_unit", "")
            found.append(WitnessSignature(png=png, name=name, user=user, unit=unit))
        return found
