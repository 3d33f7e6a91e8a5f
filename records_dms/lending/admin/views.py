"""Admin screens of lending: thin views over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, visible_record
from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records
from records_dms.lending.admin.forms import (
    DecisionForm,
    LoanRequestForm,
    LocationForm,
    ReadingForm,
    ReturnForm,
    SignedForm,
)
from records_dms.lending.copies import copy_available
from records_dms.lending.models import OPEN_STATES, Loan, LoanKind, LoanState, Location
from records_dms.lending.permissions import (
    APPROVE_LOAN,
    LEND,
    REQUEST_LOAN,
    VIEW_REGISTER,
    may_see_signatures,
)
from records_dms.lending.selectors import items_visible, loans_to_approve, loans_visible
from records_dms.lending.services import (
    loan_approve,
    loan_check_out,
    loan_refuse,
    loan_request,
    loan_return,
    location_set,
    reading_register,
)
from records_dms.lending.signatures import png_from_data_url


class LendingView(ArchiveView):
    """A lending screen: its title follows "Home" in the breadcrumbs."""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _visible_loan(request: HttpRequest, pk: int) -> Loan:
    loan: Loan = get_object_or_404(loans_visible(request.user), pk=pk)
    return loan


class MyLoansView(LendingView):
    template_name = "lending/mine.html"
    required_action = REQUEST_LOAN
    header_icon = "folder-open-inverse"

    def get_page_title(self) -> str:
        return _("My loans")

    def get(self, request: HttpRequest) -> HttpResponse:
        loans = Loan.objects.filter(borrower_id=request.user.pk).prefetch_related("items__record")
        copies = [
            item
            for loan in loans
            for item in loan.items.all()
            if item.kind == LoanKind.ELECTRONIC and copy_available(item, request.user)
        ]
        return self.render_to_response(
            self.get_context_data(
                open=[loan for loan in loans if loan.state in OPEN_STATES],
                closed=[loan for loan in loans if loan.state not in OPEN_STATES][:50],
                copies=copies,
            )
        )


class LoanRequestView(LendingView):
    template_name = "lending/form.html"
    required_action = REQUEST_LOAN
    header_icon = "folder-open-inverse"

    def get_page_title(self) -> str:
        return _("Request a loan")

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        if request.GET.get("record", "").isdigit():
            initial["references"] = visible_record(request, int(request.GET["record"])).reference
        return self.render_to_response(self.get_context_data(form=LoanRequestForm(initial=initial)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LoanRequestForm(request.POST)
        if form.is_valid():
            visible = visible_records(user=request.user)
            records: list[Record] = []
            for reference in form.reference_list():
                record = visible.filter(reference=reference).first()
                if record is None:
                    form.add_error("references", _("No record %s.") % reference)
                else:
                    records.append(record)
            if not form.errors:
                try:
                    loan = loan_request(
                        actor=request.user,
                        items=[(record, form.cleaned_data["kind"]) for record in records],
                        purpose=form.cleaned_data["purpose"],
                        due_on=form.cleaned_data["due_on"],
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, _errors(error))
                else:
                    messages.success(request, _("Loan %s requested.") % loan.number)
                    return redirect(reverse("lending:loan", args=[loan.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class ApprovalQueueView(LendingView):
    template_name = "lending/queue.html"
    required_action = APPROVE_LOAN
    header_icon = "tasks"

    def get_page_title(self) -> str:
        return _("Loan approvals")

    def get(self, request: HttpRequest) -> HttpResponse:
        waiting = loans_to_approve(request.user).prefetch_related("items__record")
        return self.render_to_response(self.get_context_data(loans=waiting, form=DecisionForm()))


def loan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.has(request.user, APPROVE_LOAN):
        raise PermissionDenied
    loan = get_object_or_404(loans_to_approve(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect("lending:queue")
    try:
        if form.cleaned_data["decision"] == "approve":
            loan_approve(loan=loan, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Loan %s approved.") % loan.number)
        else:
            loan_refuse(loan=loan, actor=request.user, reason=form.cleaned_data["note"])
            messages.success(request, _("Loan %s refused.") % loan.number)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(_errors(error)))
    return redirect("lending:queue")


class LoanListView(LendingView):
    """Every loan, by state: the clerk's desk and the overdue dashboard."""

    template_name = "lending/loans.html"
    header_icon = "list-ul"

    def get_page_title(self) -> str:
        return _("Loans")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not (policy.has(request.user, LEND) or policy.has(request.user, VIEW_REGISTER)):
            raise PermissionDenied
        state = request.GET.get("state", "")
        loans = loans_visible(request.user).prefetch_related("items__record")
        if state in LoanState.values:
            loans = loans.filter(state=state)
        page = Paginator(loans, 50).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                page=page,
                state=state,
                states=LoanState.choices,
                can_lend=policy.has(request.user, LEND),
                today=timezone.localdate(),
            )
        )


class LoanView(LendingView):
    template_name = "lending/loan.html"
    header_icon = "folder-open-inverse"

    def get_page_title(self) -> str:
        return _("Loan")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        loan = _visible_loan(request, pk)
        items = list(loan.items.select_related("record"))
        trimmed = items_visible(request.user, items)
        return self.render_to_response(
            self.get_context_data(
                loan=loan,
                items=trimmed.shown,
                hidden_items=trimmed.hidden,
                hidden_references=[i.record.reference for i in items if i not in trimmed.shown],
                copies=[i for i in items if copy_available(i, request.user)],
                entries=loan.entries.order_by("sequence"),
                can_lend=policy.has(request.user, LEND),
                can_see_signatures=may_see_signatures(request.user),
            )
        )


class _DeskView(LendingView):
    """Checkout and return: the clerk's screen on which the other party or the clerk signs."""

    template_name = "lending/desk.html"
    required_action = LEND
    header_icon = "edit"
    states: tuple[str, ...] = ()

    def loan(self, pk: int) -> Loan:
        return get_object_or_404(Loan.objects.select_related("borrower"), pk=pk)

    def form(self, loan: Loan, data: Any = None) -> SignedForm:
        return SignedForm(data)

    def render(self, loan: Loan, form: SignedForm) -> HttpResponse:
        trimmed = items_visible(self.request.user, loan.items.select_related("record"))
        return self.render_to_response(
            self.get_context_data(
                loan=loan,
                items=trimmed.shown,
                hidden_items=trimmed.hidden,
                form=form,
                signer=self.signer(loan),
                usable=loan.state in self.states,
            )
        )

    def signer(self, loan: Loan) -> Any:
        raise NotImplementedError

    def act(self, loan: Loan, form: SignedForm, png: bytes | None) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        loan = self.loan(pk)
        return self.render(loan, self.form(loan))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        loan = self.loan(pk)
        form = self.form(loan, request.POST)
        if form.is_valid():
            try:
                drawn = form.cleaned_data["signature"]
                png = png_from_data_url(drawn) if drawn or self.needs_signature(loan) else None
                self.act(loan, form, png)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _errors(error))
            else:
                return redirect(reverse("lending:loan", args=[loan.pk]))
        return self.render(loan, form)

    def needs_signature(self, loan: Loan) -> bool:
        return True


class CheckoutView(_DeskView):
    states = (LoanState.APPROVED,)

    def get_page_title(self) -> str:
        return _("Check out")

    def signer(self, loan: Loan) -> Any:
        return loan.borrower

    def act(self, loan: Loan, form: SignedForm, png: bytes | None) -> None:
        assert png is not None
        loan_check_out(loan=loan, actor=self.request.user, signature=png)
        messages.success(self.request, _("Loan %s checked out.") % loan.number)


class ReturnView(_DeskView):
    states = (LoanState.CHECKED_OUT, LoanState.OVERDUE)

    def get_page_title(self) -> str:
        return _("Return")

    def form(self, loan: Loan, data: Any = None) -> SignedForm:
        items = [i for i in loan.items.select_related("record") if i.kind == LoanKind.PAPER]
        return ReturnForm(data, items=items)

    def signer(self, loan: Loan) -> Any:
        return self.request.user

    def needs_signature(self, loan: Loan) -> bool:
        return loan.items.filter(kind=LoanKind.PAPER).exists()

    def act(self, loan: Loan, form: SignedForm, png: bytes | None) -> None:
        assert isinstance(form, ReturnForm)
        loan_return(
            loan=loan,
            actor=self.request.user,
            signature=png,
            conditions=form.conditions(),
            note=form.cleaned_data["note"],
        )
        messages.success(self.request, _("Loan %s returned.") % loan.number)


class LocationView(LendingView):
    template_name = "lending/form.html"
    required_action = LEND
    header_icon = "site"

    def get_page_title(self) -> str:
        return _("Physical location")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = visible_record(request, pk)
        location = Location.objects.filter(record=record).first()
        initial = (
            {f: getattr(location, f) for f in ("room", "cabinet", "shelf", "box")}
            if location
            else {}
        )
        return self.render_to_response(
            self.get_context_data(form=LocationForm(initial=initial), record=record)
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = visible_record(request, pk)
        form = LocationForm(request.POST)
        if form.is_valid():
            location = location_set(record=record, actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("%(reference)s is kept at %(place)s.")
                % {"reference": record.reference, "place": location},
            )
            return redirect(reverse("archive:record", args=[record.pk]))
        return self.render_to_response(self.get_context_data(form=form, record=record))


class ReadingView(LendingView):
    """Register reading in the room (查阅): the item stays in the archive."""

    template_name = "lending/form.html"
    required_action = LEND
    header_icon = "view"

    def get_page_title(self) -> str:
        return _("Reading in the room")

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=ReadingForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import get_user_model

        form = ReadingForm(request.POST)
        if form.is_valid():
            record = (
                visible_records(user=request.user)
                .filter(reference=form.cleaned_data["reference"].strip().upper())
                .first()
            )
            reader = (
                get_user_model()
                .objects.filter(username=form.cleaned_data["reader"].strip(), is_active=True)
                .first()
            )
            if record is None:
                form.add_error("reference", _("No record %s.") % form.cleaned_data["reference"])
            if reader is None:
                form.add_error("reader", _("No such user."))
            if record is not None and reader is not None:
                try:
                    reading_register(
                        record=record,
                        reader=reader,
                        purpose=form.cleaned_data["purpose"],
                        actor=request.user,
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, _errors(error))
                else:
                    messages.success(request, _("Reading of %s registered.") % record.reference)
                    return redirect("lending:register")
        return self.render_to_response(self.get_context_data(form=form))
