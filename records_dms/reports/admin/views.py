"""QMS screens and exports: thin views over the selectors, sheets and services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, require_action, visible_customer
from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, RecordType, Volume
from records_dms.archive.permissions import CHANGE_RECORD, MANAGE_COMPLAINTS, VIEW_RECORD
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.common.files import attach
from records_dms.reports import selectors
from records_dms.reports.admin.forms import (
    ComplaintFilterForm,
    SurveyAnswerFormSet,
    SurveyResultForm,
    default_answers,
)
from records_dms.reports.charts import Series, line_chart
from records_dms.reports.exports import Sheet, render_csv, render_pdf, render_xlsx
from records_dms.reports.models import SurveyResult
from records_dms.reports.permissions import EXPORT
from records_dms.reports.services import report_export_log, survey_results_set
from records_dms.reports.sheets import catalogue_sheets, complaint_sheets, summary_sheets
from records_dms.reports.summary import yearly_summary

ROWS_SHOWN = 500  # per register on the page

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _export(
    request: HttpRequest,
    *,
    report: str,
    title: str,
    sheets: Sequence[Sheet],
    formats: Sequence[str],
    filename: str,
    params: dict[str, Any],
    subtitle: str = "",
) -> HttpResponse:
    """Render the sheets in the asked format, audit the export, and hand out the file."""
    file_format = request.GET.get("format", formats[0])
    if file_format not in formats:
        raise Http404(_("No such format."))
    if file_format == "csv":
        content = render_csv(sheets)
    elif file_format == "xlsx":
        content = render_xlsx(title, sheets)
    else:
        content = render_pdf(title, sheets, subtitle=subtitle)
    report_export_log(
        report=report,
        file_format=file_format,
        actor=request.user,
        rows=sum(len(sheet.rows) for sheet in sheets),
        params=params,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    attach(response, f"{filename}.{file_format}")
    return response


# Complaint register ------------------------------------------------------------------------------


class ComplaintRegisterView(ArchiveView):
    template_name = "reports/complaints.html"
    required_action = VIEW_RECORD
    header_icon = "warning"

    def get_page_title(self) -> str:
        return _("Complaint register")

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ComplaintFilterForm(request.GET or None)
        filters = form.filters() if request.GET else selectors.ComplaintFilters()
        register = selectors.complaint_register(request.user, filters)
        # The page stays light on a large archive; the export always holds every row.
        shown = {
            name: getattr(register, name)[:ROWS_SHOWN] for name in ("forwarded", "direct", "major")
        }
        truncated = any(len(getattr(register, name)) > ROWS_SHOWN for name in shown)
        query = request.GET.copy()
        query.pop("format", None)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                register=register,
                shown=shown,
                truncated=truncated,
                rows_shown=ROWS_SHOWN,
                query=query.urlencode(),
                can_export=policy.has(request.user, EXPORT),
                can_manage_complaints=policy.has(request.user, MANAGE_COMPLAINTS),
            )
        )


def complaint_register_export(request: HttpRequest) -> HttpResponse:
    require_action(request, EXPORT)
    filters = ComplaintFilterForm(request.GET).filters()
    register = selectors.complaint_register(request.user, filters)
    stamp = filters.customer or (str(filters.year) if filters.year else "all")
    return _export(
        request,
        report="complaint_register",
        title=_("Complaint register"),
        sheets=complaint_sheets(register),
        formats=("xlsx", "csv", "pdf"),
        filename=f"complaint-register-{stamp}",
        params=filters.as_params(),
    )


# Satisfaction -----------------------------------------------------------------------------------


class SatisfactionView(ArchiveView):
    template_name = "reports/satisfaction.html"
    required_action = VIEW_RECORD
    header_icon = "pick"

    def get_page_title(self) -> str:
        return _("Satisfaction surveys")

    def get(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("customer", "").strip().upper()
        rows = selectors.satisfaction_by_customer_year(request.user, code)
        target = selectors.satisfaction_target()
        years = sorted({row.year for row in rows})
        by_customer: dict[str, dict[int, float]] = {}
        labels: dict[str, str] = {}
        for row in rows:
            by_customer.setdefault(row.customer.code, {})[row.year] = float(row.mean)
            labels[row.customer.code] = f"{row.customer.code} {row.customer.name}"
        # One line per customer reads well up to a handful; beyond that, the archive's mean.
        if len(by_customer) <= 6:
            series = [
                Series(code_, labels[code_], [scores.get(y) for y in years])
                for code_, scores in by_customer.items()
            ]
        else:
            trend = selectors.satisfaction_trend(request.user)
            series = [Series("mean", _("Mean overall score"), [float(trend[y]) for y in years])]
        chart = (
            line_chart(
                _("Satisfaction per customer and year"),
                [str(y) for y in years],
                series,
                target=float(target),
                target_label=_("Target"),
            )
            if years
            else ""
        )
        surveys = (
            visible_records(user=request.user)
            .filter(type=RecordType.SURVEY)
            .exclude(customer__code=selectors.own_dossier_code())
            .select_related("customer", "survey_result")
            .order_by("-document_date", "reference")
        )
        if code:
            surveys = surveys.filter(customer__code=code)
        return self.render_to_response(
            self.get_context_data(
                rows=rows,
                target=target,
                chart=chart,
                customer_code=code,
                surveys=surveys[:200],
                without=selectors.customers_without_survey(request.user),
                can_edit=policy.has(request.user, CHANGE_RECORD),
            )
        )


class SurveyResultEditView(ArchiveView):
    """Enter or correct the structured results of a satisfaction survey record."""

    template_name = "reports/survey_form.html"
    required_action = CHANGE_RECORD
    header_icon = "pick"

    def get_page_title(self) -> str:
        return _("Survey results")

    def _record(self, request: HttpRequest, pk: int) -> Record:
        record: Record = get_object_or_404(
            visible_records(user=request.user).select_related("customer"),
            pk=pk,
            type=RecordType.SURVEY,
        )
        return record

    def _render(self, record: Record, form: Any, answers: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                record=record,
                customer=record.customer,
                form=form,
                answers=answers,
                target=selectors.satisfaction_target(),
            )
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self._record(request, pk)
        result = SurveyResult.objects.filter(record=record).first()
        if result is None:
            form = SurveyResultForm()
            answers = SurveyAnswerFormSet(initial=default_answers(), prefix="answers")
        else:
            form = SurveyResultForm(initial={"overall": result.overall, "remarks": result.remarks})
            initial = [{"question": a.question, "score": a.score} for a in result.answers.all()]
            answers = SurveyAnswerFormSet(
                initial=initial + [{"question": "", "score": None}] * 2, prefix="answers"
            )
        return self._render(record, form, answers)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self._record(request, pk)
        form = SurveyResultForm(request.POST)
        answers = SurveyAnswerFormSet(request.POST, prefix="answers")
        if form.is_valid() and answers.is_valid():
            pairs = [
                (row["question"], row["score"])
                for row in answers.cleaned_data
                if row.get("question") and row.get("score") is not None
            ]
            try:
                result = survey_results_set(
                    record=record,
                    answers=pairs,
                    overall=form.cleaned_data["overall"],
                    remarks=form.cleaned_data["remarks"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Survey results of %(reference)s saved: overall %(overall)s.")
                    % {"reference": record.reference, "overall": result.overall},
                )
                return redirect(reverse("archive:record", args=[record.pk]))
        return self._render(record, form, answers)


# Catalogues ---------------------------------------------------------------------------------------


class CatalogueListView(ArchiveView):
    """Auditors' exports: each dossier's catalogue (目录), whole or per volume."""

    template_name = "reports/catalogues.html"
    required_action = EXPORT
    header_icon = "list-ul"

    def get_page_title(self) -> str:
        return _("Catalogue exports")

    def get(self, request: HttpRequest) -> HttpResponse:
        customers = visible_customers(user=request.user).prefetch_related("volumes")
        query = request.GET.get("q", "").strip()
        if query:
            customers = customers.filter(code__icontains=query) | customers.filter(
                name__icontains=query
            )
        return self.render_to_response(
            self.get_context_data(customers=customers.order_by("code")[:200], q=query)
        )


def catalogue_export(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, EXPORT)
    customer = visible_customer(request, pk)
    volume = None
    if request.GET.get("volume"):
        try:
            volume = get_object_or_404(Volume, customer=customer, pk=int(request.GET["volume"]))
        except ValueError as error:
            raise Http404 from error
    sheets = catalogue_sheets(request.user, customer, volume)
    suffix = f"-{volume.number:03d}" if volume is not None else ""
    return _export(
        request,
        report="catalogue",
        title=_("Catalogue of the dossier of %(code)s %(name)s")
        % {"code": customer.code, "name": customer.name},
        subtitle=_("Volume %(number)s") % {"number": volume.number} if volume else "",
        sheets=sheets,
        formats=("pdf", "xlsx"),
        filename=f"catalogue-{customer.code}{suffix}",
        params={"customer": customer.code, **({"volume": volume.number} if volume else {})},
    )


# Yearly summary -----------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 9999 else timezone.localdate().year


class YearlySummaryView(ArchiveView):
    template_name = "reports/summary.html"
    required_action = VIEW_RECORD
    header_icon = "date"

    def get_page_title(self) -> str:
        return _("Yearly summary")

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        # The years the records are dated in (the summary counts by document date).
        years = sorted({year, *selectors.record_years(request.user)}, reverse=True)
        return self.render_to_response(
            self.get_context_data(
                year=year,
                years=years,
                sections=yearly_summary(request.user, year),
                can_export=policy.has(request.user, EXPORT),
            )
        )


def yearly_summary_export(request: HttpRequest) -> HttpResponse:
    require_action(request, EXPORT)
    year = _year(request)
    return _export(
        request,
        report="yearly_summary",
        title=_("Yearly summary of the archive, %(year)s") % {"year": year},
        sheets=summary_sheets(yearly_summary(request.user, year)),
        formats=("pdf", "xlsx"),
        filename=f"yearly-summary-{year}",
        params={"year": year},
    )
