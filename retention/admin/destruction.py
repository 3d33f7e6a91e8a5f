"""Destruction requests: the list, one request with its steps, and its certificate."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import require_action
from records_dms.accounts.policy import policy
from records_dms.audit.services import audit_log
from records_dms.common.permissions import Permission
from retention import events
from retention.admin.base import RetentionView, error_text
from retention.admin.execution import execution_context
from retention.certificates import certificate_bytes
from retention.models import DestructionCertificate, DestructionRequest, RequestState
from retention.permissions import APPROVE_DESTRUCTION, EXECUTE_DESTRUCTION, VIEW_RETENTION
from retention.selectors import certificate_visible, destruction_items_visible
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_reject,
)


class RequestListView(RetentionView):
    template_name = "retention/requests.html"
    required_action = VIEW_RETENTION
    header_icon = "bin"

    def get_page_title(self) -> str:
        return _("Destruction requests")

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        rows = DestructionRequest.objects.select_related("proposed_by")
        if state in RequestState.values:
            rows = rows.filter(state=state)
        return self.render_to_response(
            self.get_context_data(rows=rows, state=state, states=RequestState.choices)
        )


class RequestView(RetentionView):
    template_name = "retention/request.html"
    required_action = VIEW_RETENTION
    header_icon = "bin"

    def get_page_title(self) -> str:
        return _("Destruction request")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        destruction = get_object_or_404(
            DestructionRequest.objects.select_related("proposed_by", "executed_by"), pk=pk
        )
        user = request.user
        can_decide = (
            policy.has(user, APPROVE_DESTRUCTION)
            and destruction.state == RequestState.SUBMITTED
            and destruction.proposed_by_id != user.pk
            and not destruction.approvals.filter(approver_id=user.pk).exists()
        )
        # Records out of the viewer's reach are a count, never a reference, title or hash.
        trimmed = destruction_items_visible(user=user, request=destruction)
        certificate = DestructionCertificate.objects.filter(request=destruction).first()
        return self.render_to_response(
            self.get_context_data(
                destruction=destruction,
                items=trimmed.shown,
                hidden_items=trimmed.hidden,
                approvals=destruction.approvals.select_related("approver"),
                can_decide=can_decide,
                can_execute=policy.has(user, EXECUTE_DESTRUCTION)
                and destruction.state == RequestState.APPROVED,
                certificate=certificate,
                certificate_allowed=certificate is not None
                and certificate_visible(user=user, certificate=certificate),
                **execution_context(destruction),
            )
        )


def _step(request: HttpRequest, pk: int, action: Permission, step: str) -> HttpResponse:
    require_action(request, action)
    if request.method != "POST":
        return HttpResponse(status=405)
    destruction = get_object_or_404(DestructionRequest, pk=pk)
    try:
        if step == "approve":
            destruction_request_approve(request=destruction, actor=request.user)
            messages.success(request, _("Approved."))
        elif step == "reject":
            destruction_request_reject(
                request=destruction, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Rejected."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect(reverse("retention:request", args=[pk]))


def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, APPROVE_DESTRUCTION, "approve")


def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, APPROVE_DESTRUCTION, "reject")


def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    """The signed certificate of a request, logged like any other download; refused to who
    may not see every record it names."""
    require_action(request, VIEW_RETENTION)
    certificate = get_object_or_404(DestructionCertificate, request_id=pk)
    if not certificate_visible(user=request.user, certificate=certificate):
        raise PermissionDenied(_("The certificate names records you cannot see."))
    audit_log(action=events.CERTIFICATE_DOWNLOADED, actor=request.user, obj=certificate, data={})
    return FileResponse(
        io.BytesIO(certificate_bytes(certificate)),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
    )
