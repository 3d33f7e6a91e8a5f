"""A customer's dossier: the catalogue by volume and the two complaint registers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, visible_customer
from records_dms.accounts.permissions import MANAGE_GRANTS
from records_dms.accounts.policy import policy
from records_dms.archive import selectors
from records_dms.archive.admin.forms import ComplaintEditForm, ComplaintOpenForm
from records_dms.archive.models import ComplaintCase, ComplaintRegister, RecordState
from records_dms.archive.permissions import (
    ADD_RECORD,
    CHANGE_CUSTOMER,
    MANAGE_COMPLAINTS,
    VIEW_CUSTOMER,
)
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.archive.services import complaint_open, complaint_update
from records_dms.audit import events
from records_dms.audit.services import audit_log
from records_dms.reports.permissions import EXPORT
from retention.selectors import destroyed_on


class DossierView(ArchiveView):
    template_name = "archive/dossier.html"
    required_action = VIEW_CUSTOMER
    header_icon = "folder-open-inverse"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        audit_log(
            action=events.CUSTOMER_VIEWED,
            actor=request.user,
            obj=customer,
            customer_code=customer.code,
        )
        registers = selectors.complaint_registers(customer)
        catalogue = selectors.dossier_catalogue(customer, visible_records(user=request.user))
        destroyed = destroyed_on(
            r.pk for s in catalogue for r in s.records if r.state == RecordState.DESTROYED
        )
        for section in catalogue:
            for record in section.records:
                record.destroyed_at = destroyed.get(record.pk)  # type: ignore[attr-defined]
        context = self.get_context_data(
            customer=customer,
            catalogue=catalogue,
            forwarded=registers[ComplaintRegister.FORWARDED],
            direct=registers[ComplaintRegister.DIRECT],
            can_file=policy.has(request.user, ADD_RECORD),
            can_manage_complaints=policy.has(request.user, MANAGE_COMPLAINTS),
            can_edit=policy.has(request.user, CHANGE_CUSTOMER),
            can_export=policy.has(request.user, EXPORT),
            can_grant=policy.has(request.user, MANAGE_GRANTS),
            seen_by_staff=customer.owner_id is not None or customer.grants.exists(),
        )
        return self.render_to_response(context)

    def get_page_title(self) -> str:
        return _("Dossier")


class ComplaintOpenView(ArchiveView):
    template_name = "archive/form.html"
    required_action = MANAGE_COMPLAINTS
    header_icon = "warning"

    def get_page_title(self) -> str:
        return _("Register a complaint")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        return self.render_to_response(
            self.get_context_data(form=ComplaintOpenForm(), customer=customer)
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        form = ComplaintOpenForm(request.POST)
        if form.is_valid():
            try:
                complaint = complaint_open(
                    customer=customer, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Complaint %s registered.") % complaint.number)
                return redirect(reverse("archive:dossier", args=[customer.pk]))
        return self.render_to_response(self.get_context_data(form=form, customer=customer))


class ComplaintEditView(ArchiveView):
    template_name = "archive/form.html"
    required_action = MANAGE_COMPLAINTS
    header_icon = "warning"

    def get_page_title(self) -> str:
        return _("Edit complaint")

    def _complaint(self, request: HttpRequest, pk: int) -> ComplaintCase:
        complaint: ComplaintCase = get_object_or_404(
            ComplaintCase.objects.filter(customer__in=visible_customers(user=request.user)), pk=pk
        )
        return complaint

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        complaint = self._complaint(request, pk)
        return self.render_to_response(
            self.get_context_data(
                form=ComplaintEditForm(instance=complaint), customer=complaint.customer
            )
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        complaint = self._complaint(request, pk)
        form = ComplaintEditForm(request.POST, instance=ComplaintCase.objects.get(pk=pk))
        if form.is_valid():
            try:
                complaint_update(complaint=complaint, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Complaint %s saved.") % complaint.number)
                return redirect(reverse("archive:dossier", args=[complaint.customer_id]))
        return self.render_to_response(
            self.get_context_data(form=form, customer=complaint.customer)
        )
