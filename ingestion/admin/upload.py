"""Uploading many files into a dossier: one ingestion job per file, watched while it runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ingestion.admin.upload_forms import UploadAllForm, UploadForm, errors_naming_file
from ingestion.api.serializers import UploadJobSerializer
from ingestion.models import IngestionJob
from ingestion.selectors import visible_record_ids
from ingestion.services import ingest_retry, ingest_submit
from records_dms.accounts.admin.views import ArchiveView, visible_customer
from records_dms.accounts.policy import policy
from records_dms.archive.models import Channel, Customer
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers

# Placeholder the page's script swaps for the batch or job id it has at hand.
NIL_UUID = uuid.UUID(int=0)
# The page's submit button: a browser without JavaScript posts every file at once with it.
SEND_ALL = "send"


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
        return self._page(request, customer, UploadForm(customer=customer))

    def _page(
        self, request: HttpRequest, customer: Customer, form: UploadForm, status: int = 200
    ) -> HttpResponse:
        """The page; after a post without JavaScript (``?batch=``), with that batch's jobs."""
        batch = _batch_param(request.GET.get("batch", ""))
        jobs = IngestionJob.objects.filter(batch=batch, customer=customer) if batch else []
        context = self.get_context_data(
            form=form,
            customer=customer,
            status_url=reverse("ingestion:upload_status", args=[NIL_UUID]),
            retry_url=reverse("ingestion:job_retry", args=[NIL_UUID]),
            nil_uuid=str(NIL_UUID),
            batch=batch or "",
            jobs=jobs_json(jobs, request.user),
            send_all=SEND_ALL,
        )
        return self.render_to_response(context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        if SEND_ALL in request.POST:
            return self._post_all(request, customer)
        form = UploadForm(request.POST, request.FILES, customer=customer)
        if not form.is_valid():
            named = request.FILES.get("file")
            errors = errors_naming_file(form, (named.name or "") if named else "")
            return JsonResponse({"errors": errors}, status=400)
        job = _submit(request, customer, form.cleaned_data, form.cleaned_data["file"])
        return JsonResponse(jobs_json([job], request.user)[0])

    def _post_all(self, request: HttpRequest, customer: Customer) -> HttpResponse:
        """Without JavaScript: every chosen file with the batch's details, then the batch."""
        form = UploadAllForm(request.POST, request.FILES, customer=customer)
        if not form.is_valid():
            return self._page(request, customer, form, status=400)
        batch = uuid.uuid4()
        for upload in form.cleaned_data["upload_files"]:
            _submit(request, customer, {**form.cleaned_data, "batch": batch}, upload)
        url = reverse("ingestion:upload", args=[customer.pk])
        return HttpResponseRedirect(f"{url}?batch={batch}")


def _batch_param(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _submit(
    request: HttpRequest, customer: Customer, data: dict[str, Any], upload: Any
) -> IngestionJob:
    """One file, with its own type and title where the clerk gave them, else the batch's."""
    return ingest_submit(
        customer=customer,
        stream=upload,
        filename=upload.name,
        actor=request.user,
        record_type=data.get("file_record_type") or data["record_type"],
        document_date=data["document_date"],
        title=data.get("file_title") or data["title"],
        confidentiality=data["confidentiality"],
        channel=Channel.UPLOAD,
        batch=data["batch"],
        volume=data["volume"],
    )


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
