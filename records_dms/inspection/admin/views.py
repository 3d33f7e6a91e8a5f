"""The four-property check's screens: the list of inspections with their faults, one
inspection's results, its report (PDF, XLSX), and a check run on demand."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import (
    ArchiveView,
    require_action,
    visible_customer,
    visible_record,
)
from records_dms.inspection.permissions import RUN_INSPECTION, VIEW_INSPECTION
from records_dms.inspection.selectors import inspection_results, inspections_visible
from records_dms.inspection.services import inspection_export, inspection_request


class InspectionListView(ArchiveView):
    template_name = "inspection/list.html"
    required_action = VIEW_INSPECTION
    header_icon = "tasks"

    def get_page_title(self) -> str:
        return _("Four-property checks")

    def get(self, request: HttpRequest) -> HttpResponse:
        inspections = inspections_visible(user=request.user)
        faults_only = request.GET.get("faults") == "1"
        if faults_only:
            inspections = inspections.filter(failed__gt=0)
        page = Paginator(inspections, 50).get_page(request.GET.get("p"))
        return self.render_to_response(self.get_context_data(page=page, faults_only=faults_only))


class InspectionView(ArchiveView):
    template_name = "inspection/detail.html"
    required_action = VIEW_INSPECTION
    header_icon = "tasks"

    def get_page_title(self) -> str:
        return _("Four-property check")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = get_object_or_404(inspections_visible(user=request.user), pk=pk)
        show_all = request.GET.get("all") == "1"
        results = inspection_results(
            user=request.user, inspection=inspection, faults_only=not show_all
        )
        page = Paginator(results, 200).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(inspection=inspection, page=page, show_all=show_all)
        )


def inspection_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    require_action(request, VIEW_INSPECTION)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    inspection = get_object_or_404(inspections_visible(user=request.user), pk=pk)
    data = inspection_export(inspection=inspection, actor=request.user, fmt=fmt)
    content_type = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="inspection-{inspection.pk}.{fmt}"'
    return response


def inspection_run(request: HttpRequest) -> HttpResponse:
    """Check one record (``record``) or a whole dossier (``customer``) now (POST)."""
    require_action(request, RUN_INSPECTION)  # before the method: a refused GET is refused
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    customer, references = None, []
    if request.POST.get("record", "").isdigit():
        references = [visible_record(request, int(request.POST["record"])).reference]
    elif request.POST.get("customer", "").isdigit():
        customer = visible_customer(request, int(request.POST["customer"]))
    else:
        raise Http404
    try:
        inspection = inspection_request(
            actor=request.user, customer=customer, references=references
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("inspection:list")
    if inspection.without_faults:
        messages.success(request, _("Four-property check passed."))
    else:
        messages.warning(
            request, _("Four-property check found %(n)d fault(s).") % {"n": inspection.failed}
        )
    return redirect("inspection:inspection", inspection.pk)
