"""The audit trail, read-only: there is deliberately no screen that changes an event."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, require_action
from records_dms.accounts.policy import policy
from records_dms.audit.admin.forms import AuditFilterForm
from records_dms.audit.events import event_label
from records_dms.audit.permissions import EXPORT_AUDIT, VIEW_AUDIT
from records_dms.audit.selectors import audit_events
from records_dms.audit.services import audit_trail_export

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AuditTrailView(ArchiveView):
    template_name = "audit/audit.html"
    required_action = VIEW_AUDIT
    header_icon = "history"

    def get_page_title(self) -> str:
        return _("Audit trail")

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditFilterForm(request.GET)
        filters = form.filters()
        page = Paginator(audit_events(filters), 50).get_page(request.GET.get("p"))
        for event in page:
            event.label = event_label(event.action)  # type: ignore[attr-defined]
        query = request.GET.copy()
        for name in ("p", "format"):
            query.pop(name, None)
        return self.render_to_response(
            self.get_context_data(
                page=page,
                form=form,
                query=query.urlencode(),
                can_export=policy.has(request.user, EXPORT_AUDIT),
            )
        )


def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV or XLSX (auditors); the export is itself audited."""
    require_action(request, VIEW_AUDIT)
    require_action(request, EXPORT_AUDIT)
    file_format = request.GET.get("format", "csv")
    if file_format not in CONTENT_TYPES:
        raise Http404(_("No such format."))
    filters = AuditFilterForm(request.GET).filters()
    content = audit_trail_export(filters=filters, file_format=file_format, actor=request.user)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="audit-trail.{file_format}"'
    return response
