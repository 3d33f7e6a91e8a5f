"""Sealed dossiers (封存) and customers' deletion requests: compliance officers act, auditors
see."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import require_action
from records_dms.accounts.policy import policy
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.permissions import VIEW_SEALED
from retention.admin.base import RetentionView, error_text
from retention.admin.confirm import confirmed, preview
from retention.admin.forms import DeletionRequestForm, SealForm
from retention.models import DeletionRequest, DeletionState, DossierSeal
from retention.permissions import SEAL
from retention.services.deletion import (
    deletion_letter_read,
    deletion_request_answer,
    deletion_request_register,
)
from retention.services.review import due_records
from retention.services.sealing import dossier_seal, dossier_unseal, sealed_due_propose


class SealListView(RetentionView):
    """Every seal, active first, and the form to seal a dossier."""

    template_name = "retention/seals.html"
    required_action = VIEW_SEALED
    header_icon = "lock"

    def get_page_title(self) -> str:
        return _("Sealed dossiers")

    def _render(self, request: HttpRequest, form: SealForm | None = None) -> HttpResponse:
        from django.utils import timezone

        seals = DossierSeal.objects.select_related("customer", "sealed_by", "unsealed_by")
        today = timezone.localdate()
        due = {
            customer.pk: due_records(today, customer=customer.pk).count()
            for customer in Customer.objects.filter(sealed=True)
        }
        can_seal = policy.has(request.user, SEAL)
        return self.render_to_response(
            self.get_context_data(
                seals=[(seal, due.get(seal.customer_id, 0)) for seal in seals],
                form=form or (SealForm() if can_seal else None),
                can_seal=can_seal,
            )
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        require_action(request, SEAL)
        form = SealForm(request.POST)
        if form.is_valid():
            customer = form.cleaned_data["customer"]
            covered = Record.objects.filter(customer=customer).exclude(state=RecordState.DESTROYED)
            ids = list(covered.values_list("pk", flat=True))
            if form.cleaned_data["reason"].strip() and not confirmed(
                request, "seal", str(customer.pk), ids
            ):
                return preview(
                    request,
                    step="seal",
                    key=str(customer.pk),
                    title=_("Seal the dossier of %(customer)s") % {"customer": customer},
                    question=_("Seal this dossier? Its records disappear from search, lists and "
                               "record pages for everyone but compliance officers and auditors."),
                    records=covered,
                    cancel_url=reverse("retention:seals"),
                )  # fmt: skip
            try:
                dossier_seal(
                    customer=form.cleaned_data["customer"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("Dossier sealed."))
                return redirect(reverse("retention:seals"))
        return self._render(request, form)


def unseal_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, SEAL)
    if request.method != "POST":
        return HttpResponse(status=405)
    customer = get_object_or_404(Customer, pk=pk)
    try:
        dossier_unseal(customer=customer, reason=request.POST.get("reason", ""), actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Dossier unsealed."))
    return redirect(reverse("retention:seals"))


def seal_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a sealed dossier's due records for destruction."""
    require_action(request, SEAL)
    if request.method != "POST":
        return HttpResponse(status=405)
    customer = get_object_or_404(Customer, pk=pk)
    try:
        destruction = sealed_due_propose(customer=customer, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect(reverse("retention:seals"))
    messages.success(request, _("Destruction request %s proposed.") % destruction.number)
    return redirect(reverse("retention:request", args=[destruction.pk]))


class DeletionListView(RetentionView):
    template_name = "retention/deletions.html"
    required_action = VIEW_SEALED
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Deletion requests")

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = DeletionRequest.objects.select_related("customer", "destruction")
        return self.render_to_response(
            self.get_context_data(rows=rows, can_register=policy.has(request.user, SEAL))
        )


class DeletionRegisterView(RetentionView):
    template_name = "retention/form.html"
    required_action = SEAL
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Register a deletion request")

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=DeletionRequestForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DeletionRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                deletion = deletion_request_register(
                    customer=data["customer"],
                    received_on=data["received_on"],
                    requester=data["requester"],
                    notes=data.get("notes") or "",
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("Deletion request %s registered.") % deletion.number)
                return redirect(reverse("retention:deletion", args=[deletion.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class DeletionView(RetentionView):
    template_name = "retention/deletion.html"
    required_action = VIEW_SEALED
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Deletion request")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        deletion = get_object_or_404(
            DeletionRequest.objects.select_related("customer", "destruction"), pk=pk
        )
        return self.render_to_response(
            self.get_context_data(
                deletion=deletion,
                rows=deletion.answer,
                can_answer=policy.has(request.user, SEAL)
                and deletion.state == DeletionState.RECEIVED,
            )
        )


def deletion_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, SEAL)
    if request.method != "POST":
        return HttpResponse(status=405)
    deletion = get_object_or_404(DeletionRequest, pk=pk)
    try:
        deletion_request_answer(request=deletion, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Answered: the letter is ready."))
    return redirect(reverse("retention:deletion", args=[pk]))


def deletion_letter_view(request: HttpRequest, pk: int) -> FileResponse:
    """The answer letter, logged like any other download."""
    require_action(request, VIEW_SEALED)
    deletion = get_object_or_404(DeletionRequest, pk=pk)
    try:
        letter = deletion_letter_read(deletion=deletion, actor=request.user)
    except ValidationError as not_answered:
        raise Http404 from not_answered
    return FileResponse(
        io.BytesIO(letter),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{deletion.number}.pdf",
    )
