"""The checkout register's screens: the register of a period, its export, the hand
signatures printed in it, and the borrower's watermarked copy."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.audit.services import audit_log
from records_dms.common.files import attach, attachment_response
from records_dms.lending import events
from records_dms.lending.admin.views import LendingView
from records_dms.lending.copies import copy_download
from records_dms.lending.exports import (
    register_csv,
    register_entries,
    register_pdf,
    trimmed_note,
)
from records_dms.lending.models import LoanItem, RegisterEntry
from records_dms.lending.permissions import VIEW_REGISTER
from records_dms.lending.selectors import register_visible
from records_dms.lending.signatures import signature_view


def _period(request: HttpRequest) -> tuple[datetime.date | None, datetime.date | None]:
    def parse(name: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    return parse("from"), parse("to")


class RegisterView(LendingView):
    template_name = "lending/register.html"
    required_action = VIEW_REGISTER
    header_icon = "history"

    def get_page_title(self) -> str:
        return _("Checkout register")

    def get(self, request: HttpRequest) -> HttpResponse:
        start, end = _period(request)
        shown = register_visible(request.user, register_entries(start=start, end=end))
        page = Paginator(shown.entries[::-1], 50).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                page=page,
                start=start,
                end=end,
                query=request.GET.urlencode(),
                trimmed_entries=shown.trimmed,
                trimmed_note=trimmed_note(shown.hidden),
            )
        )


def register_export(request: HttpRequest) -> HttpResponse:
    """The register of a period as PDF (default) or CSV, trimmed to what the reader may see;
    the export itself is audited."""
    if not policy.has(request.user, VIEW_REGISTER):
        raise PermissionDenied
    start, end = _period(request)
    shown = register_visible(request.user, register_entries(start=start, end=end))
    entries, trimmed = shown.entries, shown.trimmed
    as_csv = request.GET.get("format") == "csv"
    data = (
        register_csv(entries, trimmed)
        if as_csv
        else register_pdf(entries, start=start, end=end, trimmed=trimmed)
    )
    audit_log(
        action=events.LOAN_REGISTER_EXPORTED,
        actor=request.user,
        data={
            "from": str(start or ""),
            "to": str(end or ""),
            "entries": len(entries),
            "trimmed": len(trimmed),
        },
    )
    name = f"register-{start or 'start'}-{end or timezone.localdate()}"
    response = HttpResponse(
        data, content_type="text/csv; charset=utf-8" if as_csv else "application/pdf"
    )
    attach(response, f"{name}.{'csv' if as_csv else 'pdf'}")
    return response


def signature_image(request: HttpRequest, sequence: int, sha256: str) -> HttpResponse:
    """A hand signature's image as given in one register entry, for those who keep or read
    the register; each viewing is in the audit trail."""
    entry = get_object_or_404(RegisterEntry.objects.select_related("loan"), sequence=sequence)
    data = signature_view(entry=entry, sha256=sha256, actor=request.user)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The borrower's watermarked electronic copy, always as an attachment; anyone else, too
    late, or a record the borrower may no longer see: 404 (checked on every request)."""
    item = get_object_or_404(LoanItem.objects.select_related("loan", "record__customer"), pk=pk)
    try:
        copy = copy_download(item=item, actor=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    return attachment_response(copy.data, filename=copy.filename, content_type=copy.content_type)
