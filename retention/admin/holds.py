"""Legal holds: the list with what each covers, placing and lifting (compliance officers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import require_action
from records_dms.accounts.policy import policy
from records_dms.archive.models import Volume
from records_dms.archive.selectors import records_by_reference, visible_records
from retention.admin.base import RetentionView, error_text
from retention.admin.confirm import confirmed, preview
from retention.admin.forms import HoldForm
from retention.models import LegalHold
from retention.permissions import MANAGE_HOLDS, VIEW_RETENTION
from retention.services.holds import hold_coverage, hold_lift, hold_place, hold_records


class HoldListView(RetentionView):
    template_name = "retention/holds.html"
    required_action = VIEW_RETENTION
    header_icon = "lock"

    def get_page_title(self) -> str:
        return _("Legal holds")

    def get(self, request: HttpRequest) -> HttpResponse:
        holds = LegalHold.objects.select_related("placed_by", "customer", "volume")
        rows = [(hold, hold_records(hold).count()) for hold in holds]
        return self.render_to_response(
            self.get_context_data(rows=rows, can_manage=policy.has(request.user, MANAGE_HOLDS))
        )


class HoldView(RetentionView):
    """The hold report: what one hold covers."""

    template_name = "retention/hold.html"
    required_action = VIEW_RETENTION
    header_icon = "lock"

    def get_page_title(self) -> str:
        return _("Legal hold")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        hold = get_object_or_404(LegalHold, pk=pk)
        records = hold_records(hold).filter(pk__in=visible_records(user=request.user))
        return self.render_to_response(
            self.get_context_data(
                hold=hold,
                records=records.select_related("customer"),
                can_manage=policy.has(request.user, MANAGE_HOLDS),
            )
        )


class HoldPlaceView(RetentionView):
    template_name = "retention/form.html"
    required_action = MANAGE_HOLDS
    header_icon = "lock"

    def get_page_title(self) -> str:
        return _("Place a legal hold")

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=HoldForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = HoldForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                volume = None
                if data.get("volume"):
                    volume = Volume.objects.filter(pk=data["volume"]).first()
                    if volume is None:
                        raise ValidationError(_("No such volume."))
                scope: dict[str, Any] = {
                    "records": records_by_reference(
                        user=request.user, references=data["references"].split()
                    ),
                    "volume": volume,
                    "customer": data.get("customer"),
                    "query": data.get("query") or "",
                }
                covered = hold_coverage(**scope)
                ids = list(covered.values_list("pk", flat=True))
                if not data["reason"].strip():
                    raise ValidationError(_("A legal hold needs a reason."))
                if not (scope["records"] or volume or scope["customer"] or scope["query"].strip()):
                    raise ValidationError(
                        _("Say what the hold covers: records, a volume, a customer or a search.")
                    )
                if not confirmed(request, "hold", "", ids):
                    return preview(
                        request,
                        step="hold",
                        key="",
                        title=_("Place a legal hold"),
                        question=_("Place this legal hold? Nothing it covers can be destroyed "
                                   "until it is lifted."),
                        records=covered,
                        cancel_url=reverse("retention:holds"),
                    )  # fmt: skip
                hold = hold_place(actor=request.user, reason=data["reason"], **scope)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("Legal hold #%d placed.") % hold.pk)
                return redirect(reverse("retention:hold", args=[hold.pk]))
        return self.render_to_response(self.get_context_data(form=form))


def hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, MANAGE_HOLDS)
    if request.method != "POST":
        return HttpResponse(status=405)
    hold = get_object_or_404(LegalHold, pk=pk)
    try:
        hold_lift(hold=hold, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Legal hold #%d lifted.") % hold.pk)
    return redirect(reverse("retention:hold", args=[hold.pk]))
