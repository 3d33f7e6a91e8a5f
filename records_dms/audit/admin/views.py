"""The audit trail, read-only: there is deliberately no screen that changes an event."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView
from records_dms.audit.models import AuditEvent
from records_dms.audit.permissions import VIEW_AUDIT


class AuditTrailView(ArchiveView):
    template_name = "audit/audit.html"
    required_action = VIEW_AUDIT
    header_icon = "history"

    def get_page_title(self) -> str:
        return _("Audit trail")

    def get(self, request: HttpRequest) -> HttpResponse:
        events = AuditEvent.objects.select_related("actor").order_by("-sequence")
        for field in ("action", "customer_code", "actor_name", "object_id"):
            if value := request.GET.get(field, "").strip():
                events = events.filter(**{field: value})
        page = Paginator(events, 50).get_page(request.GET.get("p"))
        return self.render_to_response(self.get_context_data(page=page, filters=request.GET))
