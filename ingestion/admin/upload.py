"""Uploading many files into a dossier: one ingestion job per file, watched while it runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingestion.api.serializers import UploadJobSerializer
from ingestion.models import IngestionJob
from ingestion.selectors import visible_record_ids
from ingestion.services import ingest_retry, ingest_submit
from ingestion.suggest import AUTO_TYPE
from records_dms.accounts.admin.views import ArchiveView, visible_customer
from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Channel, Customer, RecordType, Volume
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers
from records_dms.common.widgets import DateInput

# Placeholder the page's script swaps for the batch or job id it has at hand.
NIL_UUID = uuid.UUID(int=0)


class UploadForm(forms.Form):
    """What every file of an upload shares; each POST carries one file and the batch id."""

    record_type = forms.ChoiceField(
        label=gettext_lazy("record type"),
        choices=[
            ("", "---------"),
            (AUTO_TYPE, gettext_lazy("From each file (its title)")),
            *RecordType.choices,
        ],
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
    # Posted by the page's script with each file; the page shows neither field as such.
    # Empty files reach the service, which rejects them naming the file.
    batch = forms.UUIDField(widget=forms.HiddenInput)
    file = forms.FileField(allow_empty_file=True)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        volumes = Volume.objects.filter(customer=customer).select_related("customer")
        self.fields["volume"].queryset = volumes  # type: ignore[attr-defined]


def _require_add_record(request: HttpRequest) -> None:
    if not policy.has(request.user, ADD_RECORD):
        raise PermissionDenied


def jobs_json(jobs: Iterable[IngestionJob], user: Any) -> list[dict[str, Any]]:
    """What the upload page shows of each job; records the user may not see are not named."""
    jobs = list(jobs)
    visible = visible_record_ids(jobs, user=user)
    return list(UploadJobSerializer(jobs, many=True, context={"visible": visible}).data)


class UploadView(ArchiveView):
    template_name = "ingestion/upload.html"
    required_action = ADD_RECORD
    header_icon = "upload"

    def get_page_title(self) -> str:
        return _("Upload files")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        return self.render_to_response(
            self.get_context_data(
                form=UploadForm(customer=customer),
                customer=customer,
                status_url=reverse("ingestion:upload_status", args=[NIL_UUID]),
                retry_url=reverse("ingestion:job_retry", args=[NIL_UUID]),
                nil_uuid=str(NIL_UUID),
            )
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        form = UploadForm(request.POST, request.FILES, customer=customer)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        data = form.cleaned_data
        upload = data["file"]
        job = ingest_submit(
            customer=customer,
            stream=upload,
            filename=upload.name,
            actor=request.user,
            record_type=data["record_type"],
            document_date=data["document_date"],
            title=data["title"],
            confidentiality=data["confidentiality"],
            channel=Channel.UPLOAD,
            batch=data["batch"],
            volume=data["volume"],
        )
        return JsonResponse(jobs_json([job], request.user)[0])


def upload_status(request: HttpRequest, batch: uuid.UUID) -> JsonResponse:
    """The jobs of one upload (with the attachments they brought), in the order they came."""
    _require_add_record(request)
    jobs = IngestionJob.objects.filter(
        batch=batch, customer__in=visible_customers(user=request.user)
    ).select_related("record")
    return JsonResponse(jobs_json(jobs, request.user), safe=False)


def job_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Queue a failed job again; jobs of customers out of the user's reach are 404."""
    _require_add_record(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = get_object_or_404(
        IngestionJob.objects.filter(customer__in=visible_customers(user=request.user)), pk=pk
    )
    job = ingest_retry(job)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)  # the plain form on the ingestion queue page
    return JsonResponse(jobs_json([job], request.user)[0])
