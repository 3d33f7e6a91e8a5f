"""The handover (移交) screen: a clerk records paper originals passing from one person or
department to another; both sign on the same screen, one pad each."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records
from records_dms.lending.admin.forms import HandoverForm
from records_dms.lending.admin.views import LendingView, _errors
from records_dms.lending.custody import custody_hand_over
from records_dms.lending.models import Custody
from records_dms.lending.permissions import LEND
from records_dms.lending.signatures import png_from_data_url

SHOWN_CUSTODY = 200


class HandoverView(LendingView):
    template_name = "lending/handover.html"
    required_action = LEND
    header_icon = "resubmit"

    def get_page_title(self) -> str:
        return _("Handover")

    def render(self, form: HandoverForm) -> HttpResponse:
        held = Custody.objects.select_related("record", "holder").order_by("-since")
        visible = visible_records(user=self.request.user).values("pk")
        return self.render_to_response(
            self.get_context_data(
                form=form, custody=held.filter(record__in=visible)[:SHOWN_CUSTODY]
            )
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {"from_user": request.user.pk}
        if request.GET.get("references"):
            initial["references"] = request.GET["references"]
        return self.render(HandoverForm(initial=initial))

    def _records(self, form: HandoverForm) -> list[Record]:
        visible = visible_records(user=self.request.user)
        records = []
        for reference in form.reference_list():
            record = visible.filter(reference=reference).first()
            if record is None:
                form.add_error("references", _("No record %s.") % reference)
            else:
                records.append(record)
        return records

    def _signature(self, form: HandoverForm, name: str) -> bytes | None:
        try:
            return png_from_data_url(form.cleaned_data[name])
        except ValidationError as error:
            form.add_error(name, error)
            return None

    def post(self, request: HttpRequest) -> HttpResponse:
        form = HandoverForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        records = self._records(form)
        from_png = self._signature(form, "from_signature")
        to_png = self._signature(form, "to_signature")
        if form.errors or from_png is None or to_png is None:
            return self.render(form)
        data = form.cleaned_data
        try:
            custody_hand_over(
                records=records,
                from_user=data["from_user"],
                to_user=data["to_user"],
                actor=request.user,
                from_signature=from_png,
                to_signature=to_png,
                department=data["department"],
                from_department=data["from_department"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _errors(error))
            return self.render(form)
        messages.success(
            request,
            ngettext(
                "%(count)d original handed over from %(from)s to %(to)s.",
                "%(count)d originals handed over from %(from)s to %(to)s.",
                len(records),
            )
            % {
                "count": len(records),
                "from": data["from_user"].get_username(),
                "to": data["to_user"].get_username(),
            },
        )
        return redirect("lending:register")
