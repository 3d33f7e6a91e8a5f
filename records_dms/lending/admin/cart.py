"""The borrowing cart (借阅车) screens: thin views over records_dms/lending/cart.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from records_dms.accounts.admin.views import require_action, visible_record
from records_dms.lending.admin.forms import CartRequestForm
from records_dms.lending.admin.views import LendingView
from records_dms.lending.cart import (
    cart_add,
    cart_drop_out_of_reach,
    cart_empty,
    cart_remove,
    cart_request,
)
from records_dms.lending.permissions import REQUEST_LOAN
from records_dms.lending.selectors import cart_records, open_loans_of


def _tell_dropped(request: HttpRequest, count: int) -> None:
    """How many records went out of reach; never which (their titles may be secret now)."""
    if count:
        messages.warning(
            request,
            ngettext(
                "%(count)d record is no longer available to you and was removed from the "
                "borrowing cart.",
                "%(count)d records are no longer available to you and were removed from the "
                "borrowing cart.",
                count,
            )
            % {"count": count},
        )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


class CartView(LendingView):
    """The cart: its records, and one form asking for all of them in one loan."""

    template_name = "lending/cart.html"
    required_action = REQUEST_LOAN
    header_icon = "list-ul"

    def get_page_title(self) -> str:
        return _("Borrowing cart")

    def get(self, request: HttpRequest) -> HttpResponse:
        _tell_dropped(request, cart_drop_out_of_reach(actor=request.user))
        return self._page(CartRequestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CartRequestForm(request.POST)
        if form.is_valid():
            try:
                asked = cart_request(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
                form.add_error(None, messages_)
            else:
                _tell_dropped(request, asked.dropped)
                messages.success(request, _("Loan %s requested.") % asked.loan.number)
                return redirect(reverse("lending:loan", args=[asked.loan.pk]))
        return self._page(form)

    def _page(self, form: CartRequestForm) -> HttpResponse:
        records = list(cart_records(self.request.user))
        on_loan = open_loans_of(self.request.user, [record.pk for record in records])
        rows = [{"record": record, "on_loan": on_loan.get(record.pk, "")} for record in records]
        return self.render_to_response(self.get_context_data(rows=rows, form=form))


def cart_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, REQUEST_LOAN)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    record = visible_record(request, pk)
    try:
        added = cart_add(actor=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, reverse("archive:record", args=[record.pk]))
    if added:
        text = _("%(reference)s added to the borrowing cart.")
        messages.success(request, text % {"reference": record.reference})
    else:
        messages.info(
            request,
            _("%(reference)s is in the borrowing cart already.") % {"reference": record.reference},
        )
    on_loan = open_loans_of(request.user, [record.pk]).get(record.pk)
    if on_loan:
        messages.warning(
            request,
            _("%(reference)s is already on your open loan %(number)s.")
            % {"reference": record.reference, "number": on_loan},
        )
    return _back(request, reverse("archive:record", args=[record.pk]))


def cart_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, REQUEST_LOAN)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if cart_remove(actor=request.user, record_id=pk):
        messages.success(request, _("Removed from the borrowing cart."))
    return redirect("lending:cart")


def cart_empty_view(request: HttpRequest) -> HttpResponse:
    require_action(request, REQUEST_LOAN)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if cart_empty(actor=request.user):
        messages.success(request, _("The borrowing cart is empty now."))
    return redirect("lending:cart")
