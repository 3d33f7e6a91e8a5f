"""Record page (metadata, history, pages), logged download, filing and editing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ingestion.services import record_file
from records_dms.accounts.admin.views import ArchiveView, visible_customer, visible_record
from records_dms.accounts.policy import policy
from records_dms.archive.admin.forms import RecordEditForm, RecordFileForm
from records_dms.archive.admin.reading import reader_context
from records_dms.archive.downloads import original_response, stamped_response
from records_dms.archive.history import record_history
from records_dms.archive.models import Channel, Record, RecordType
from records_dms.archive.permissions import (
    ADD_RECORD,
    CHANGE_RECORD,
    READ_RECORD,
    VIEW_RECORD,
    may_download_original,
)
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import record_access_log, record_update
from records_dms.archive.stamping import stampable
from retention.services.schedules import record_retention_panel


class RecordView(ArchiveView):
    template_name = "archive/record.html"
    required_action = VIEW_RECORD
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Record")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = visible_record(request, pk)
        can_read = policy.has(request.user, READ_RECORD)
        record_access_log(record=record, actor=request.user, purpose=request.GET.get("purpose", ""))
        context = self.get_context_data(
            record=record,
            customer=record.customer,
            can_read=can_read,
            can_download=can_read and may_download_original(request.user),
            stampable=stampable(record),
            can_edit=policy.has(request.user, CHANGE_RECORD),
            revisions=record_history(record.revisions.select_related("changed_by")),
            children=visible_records(user=request.user).filter(parent=record),
            retention=record_retention_panel(record),
            **reader_context(request, record, can_read=can_read),
        )
        return self.render_to_response(context)


def record_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream the original, after writing who downloaded it and why to the audit trail;
    original_response refuses those who get originals only through a loan."""
    if not policy.has(request.user, READ_RECORD):
        raise PermissionDenied
    record = visible_record(request, pk)
    return original_response(record, user=request.user, purpose=request.GET.get("purpose", ""))


def record_rendition(request: HttpRequest, pk: int) -> FileResponse:
    """The searchable PDF made from a scan's OCR pass; logged like the original."""
    if not policy.has(request.user, READ_RECORD):
        raise PermissionDenied
    record = visible_record(request, pk)
    return original_response(
        record, user=request.user, purpose=request.GET.get("purpose", ""), rendition=True
    )


def record_stamped(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A copy with the filing stamp (归档章); logged like the original."""
    if not policy.has(request.user, READ_RECORD):
        raise PermissionDenied
    record = visible_record(request, pk)
    try:
        return stamped_response(record, user=request.user, purpose=request.GET.get("purpose", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(reverse("archive:record", args=[record.pk]))


class RecordFileView(ArchiveView):
    template_name = "archive/form.html"
    required_action = ADD_RECORD
    header_icon = "upload"

    def get_page_title(self) -> str:
        return _("File a record")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        form = RecordFileForm(customer=customer)
        return self.render_to_response(
            self.get_context_data(form=form, customer=customer, multipart=True)
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        form = RecordFileForm(request.POST, request.FILES, customer=customer)
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            try:
                record = record_file(
                    customer=customer,
                    stream=upload,
                    filename=upload.name,
                    actor=request.user,
                    channel=Channel.UPLOAD,
                    **data,
                )
            except ValidationError as error:  # RejectedFile too: it names the file
                form.add_error(None, error)
            else:
                messages.success(request, _("Filed as %s.") % record.reference)
                if record.type == RecordType.SURVEY and policy.has(request.user, CHANGE_RECORD):
                    # A survey's scores are entered right after filing it.
                    return redirect(reverse("reports:survey_edit", args=[record.pk]))
                return redirect(reverse("archive:record", args=[record.pk]))
        return self.render_to_response(
            self.get_context_data(form=form, customer=customer, multipart=True)
        )


class RecordEditView(ArchiveView):
    template_name = "archive/form.html"
    required_action = CHANGE_RECORD
    header_icon = "edit"

    def get_page_title(self) -> str:
        return _("Edit record")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = visible_record(request, pk)
        return self.render_to_response(
            self.get_context_data(
                form=RecordEditForm(instance=record), customer=record.customer, record=record
            )
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = visible_record(request, pk)
        form = RecordEditForm(request.POST, instance=Record.objects.get(pk=record.pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            try:
                record_update(record=record, actor=request.user, reason=reason, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Record %s saved.") % record.reference)
                return redirect(reverse("archive:record", args=[record.pk]))
        return self.render_to_response(
            self.get_context_data(form=form, customer=record.customer, record=record)
        )
