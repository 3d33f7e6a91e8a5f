"""Forms of the retention screens; saving always goes through a service."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer, RecordType, Severity, Volume
from records_dms.archive.selectors import visible_customers
from records_dms.common.widgets import DateInput
from retention.models import Disposition, RetentionSchedule, TriggerEvent


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
