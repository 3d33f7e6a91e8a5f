"""The upload page's forms: what a batch's files share, and what one file may set for itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingestion.suggest import AUTO_TYPE
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer, RecordType, Volume
from records_dms.common.widgets import DateInput

# The batch's record type and each file's: the same choices, "auto" included.
TYPE_CHOICES = [
    ("", "---------"),
    (AUTO_TYPE, gettext_lazy("From each file (its title)")),
    *RecordType.choices,
]


class UploadForm(forms.Form):
    """What every file of an upload shares; each POST carries one file and the batch id, and
    may carry that file's own record type and title (chosen in the page's list of files)."""

    record_type = forms.ChoiceField(
        label=gettext_lazy("record type"),
        choices=TYPE_CHOICES,
        # A file's own type may stand in for it (checked in clean); without JavaScript the
        # browser asks for it, the page's script lets each file's row ask instead.
        required=False,
        widget=forms.Select(attrs={"required": True}),
    )
    document_date = forms.DateField(
        label=gettext_lazy("document date"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty to take the date from the document."),
    )
    title = forms.CharField(
        label=gettext_lazy("title"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Leave empty to take the title from the document."),
    )
    confidentiality = forms.ChoiceField(
        label=gettext_lazy("confidentiality"),
        choices=Confidentiality.choices,
        initial=Confidentiality.INTERNAL,
    )
    volume = forms.ModelChoiceField(
        label=gettext_lazy("volume"),
        queryset=Volume.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty to file the records loose in the dossier."),
    )
    # Posted by the page's script with each file; the page shows none of these fields as such.
    # Empty files reach the service, which rejects them naming the file.
    batch = forms.UUIDField(widget=forms.HiddenInput)
    file = forms.FileField(allow_empty_file=True)
    file_record_type = forms.ChoiceField(
        label=gettext_lazy("record type of this file"),
        choices=TYPE_CHOICES,
        required=False,
        widget=forms.HiddenInput,
    )
    file_title = forms.CharField(
        label=gettext_lazy("title of this file"),
        max_length=300,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        volumes = Volume.objects.filter(customer=customer).select_related("customer")
        self.fields["volume"].queryset = volumes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("file_record_type") or data.get("record_type")
        if not chosen and not {"record_type", "file_record_type"} & set(self.errors):
            self.add_error("record_type", self.fields["record_type"].error_messages["required"])
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every file chosen in one ``<input type=file multiple>``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=MultipleFileInput, allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(_("Choose at least one file."), code="required")
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class UploadAllForm(UploadForm):
    """The page posted by a browser without JavaScript: all files at once, one type for all."""

    upload_files = MultipleFileField(label=gettext_lazy("files"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("batch", "file", "file_record_type", "file_title"):
            del self.fields[name]


def errors_naming_file(form: forms.Form, filename: str) -> dict[str, list[str]]:
    """The form's errors, each saying which file and which field it is about."""
    named: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        prefix = "".join(f"{part}: " for part in (filename, label) if part)
        named[field] = [f"{prefix}{message}" for message in messages]
    return named
