"""Forms of the archive screens; saving always goes through a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import (
    LANGUAGE_LABELS,
    ComplaintCase,
    ComplaintChannel,
    Customer,
    Record,
    RecordType,
    Severity,
    Volume,
)
from records_dms.archive.services import RECORD_EDITABLE_FIELDS
from records_dms.common.widgets import DateInput


class RecordLinksMixin:
    """Limit volume and complaint choices to the dossier the record belongs to."""

    def limit_links(self, customer: Customer) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        fields["volume"].queryset = Volume.objects.filter(customer=customer)
        fields["complaint"].queryset = ComplaintCase.objects.filter(customer=customer)


class RecordFileForm(RecordLinksMixin, forms.Form):
    # Empty files reach the filing service, which refuses them naming the file.
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    type = forms.ChoiceField(label=_("record type"), choices=RecordType.choices)
    title = forms.CharField(label=_("title"), max_length=300, required=False)
    document_date = forms.DateField(label=_("document date"), widget=DateInput)
    confidentiality = forms.ChoiceField(
        label=_("confidentiality"),
        choices=Confidentiality.choices,
        initial=Confidentiality.INTERNAL,
    )
    volume = forms.ModelChoiceField(
        label=_("volume"), queryset=Volume.objects.none(), required=False
    )
    complaint = forms.ModelChoiceField(
        label=_("complaint"), queryset=ComplaintCase.objects.none(), required=False
    )
    physical_location = forms.CharField(
        label=_("physical location"), max_length=200, required=False
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_links(customer)
        self.fields["document_date"].initial = timezone.localdate()


class RecordEditForm(RecordLinksMixin, forms.ModelForm):
    reason = forms.CharField(label=_("reason for the change"), max_length=255, required=False)

    class Meta:
        model = Record
        fields = list(RECORD_EDITABLE_FIELDS)
        widgets = {"document_date": DateInput, "received_date": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_links(self.instance.customer)
        # The language as a choice of names; a tag we have no name for stays choosable.
        current = self.instance.language
        names: dict[str, Any] = dict(LANGUAGE_LABELS)
        if current and current not in names:
            names[current] = current
        self.fields["language"].widget = forms.Select(choices=list(names.items()))


class ComplaintOpenForm(forms.Form):
    subject = forms.CharField(label=_("subject"), max_length=200)
    channel = forms.ChoiceField(label=_("channel"), choices=ComplaintChannel.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    opened_on = forms.DateField(label=_("opened on"), widget=DateInput)


class ComplaintEditForm(forms.ModelForm):
    class Meta:
        model = ComplaintCase
        fields = ["subject", "severity", "closed_on", "outcome"]
        widgets = {"closed_on": DateInput}
