"""Execution of an approved destruction list: a confirmation page that previews exactly the
inventory (销毁清册) and takes the witnesses' (监销人) signatures, then progress without
reloading (the request page polls ``progress``)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import require_action
from retention.admin.base import RetentionView
from retention.admin.forms import ExecuteForm
from retention.inventory import destruction_progress, inventory_preview
from retention.models import DestructionRequest, RequestState
from retention.permissions import EXECUTE_DESTRUCTION, VIEW_RETENTION
from retention.services.destruction import destruction_request_execute
from retention.tasks import destruction_execute_task


class ExecuteView(RetentionView):
    """GET: the inventory as execution would treat it now, and the witness pads. POST: start."""

    template_name = "retention/execute.html"
    required_action = EXECUTE_DESTRUCTION
    header_icon = "bin"

    def get_page_title(self) -> str:
        return _("Execute the destruction")

    def _render(self, destruction: DestructionRequest, form: ExecuteForm) -> HttpResponse:
        rows = inventory_preview(destruction)
        excluded = sum(1 for row in rows if row.excluded)
        return self.render_to_response(
            self.get_context_data(
                destruction=destruction,
                rows=rows,
                total=len(rows),
                excluded=excluded,
                destroyed=len(rows) - excluded,
                paper=any(row.item.paper for row in rows),
                form=form,
                can_execute=destruction.state == RequestState.APPROVED,
            )
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        destruction = get_object_or_404(DestructionRequest, pk=pk)
        return self._render(destruction, ExecuteForm(executor=request.user))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        destruction = get_object_or_404(DestructionRequest, pk=pk)
        form = ExecuteForm(request.POST, executor=request.user)
        if form.is_valid():
            witnesses = form.witnesses()
            if form.is_valid():  # a slot without a drawing added its error
                try:
                    with transaction.atomic():
                        destruction_request_execute(
                            request=destruction,
                            actor=request.user,
                            witnesses=witnesses,
                            paper_method=form.cleaned_data["paper_method"] or "shredding",
                            run=False,
                        )
                        # The worker carries it out (and finishes it after a crash).
                        transaction.on_commit(
                            partial(destruction_execute_task.enqueue, destruction.pk)
                        )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(
                        None, error if isinstance(error, ValidationError) else str(error)
                    )
                else:
                    messages.success(request, _("Execution started."))
                    return redirect(reverse("retention:request", args=[pk]))
        return self._render(destruction, form)


def execution_context(destruction: DestructionRequest) -> dict[str, Any]:
    """What the request page shows of an execution: witnesses and progress (and the texts its
    script fills in while it polls)."""
    return {
        "witnesses": destruction.witnesses.all(),
        "progress": destruction_progress(destruction),
        "progress_text": json.dumps(
            _("%(done)s destroyed, %(skipped)s not destroyed, of %(total)s")
        ),
        "certificate_text": json.dumps(_("Download the certificate of destruction")),
    }


def progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    """How far the execution is (polled by the request page while it runs)."""
    require_action(request, VIEW_RETENTION)
    destruction = get_object_or_404(DestructionRequest, pk=pk)
    progress = destruction_progress(destruction)
    if progress["certificate"]:
        progress["certificate_url"] = reverse("retention:certificate", args=[pk])
    return JsonResponse(progress)
