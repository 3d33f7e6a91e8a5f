"""The ingestion queue for clerks: recent files with their state, and retry for failures."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ingestion.models import IngestionJob, JobStatus
from ingestion.selectors import job_reason, visible_record_ids
from records_dms.accounts.admin.views import ArchiveView
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers


class JobListView(ArchiveView):
    template_name = "ingestion/jobs.html"
    required_action = ADD_RECORD
    header_icon = "upload"

    def get_page_title(self) -> str:
        return _("Ingestion queue")

    def get(self, request: HttpRequest) -> HttpResponse:
        jobs = (
            IngestionJob.objects.filter(customer__in=visible_customers(user=request.user))
            .select_related("customer", "record")
            .order_by("-created_at")
        )
        status = request.GET.get("status", "")
        if status in JobStatus.values:
            jobs = jobs.filter(status=status)
        page = Paginator(jobs, 50).get_page(request.GET.get("p"))
        shown = list(page.object_list)
        visible = visible_record_ids(shown, user=request.user)
        # A duplicate's reason and record are named only to who may see that record.
        rows = [
            {
                "job": job,
                "reason": job_reason(job, visible=visible),
                "record": job.record if job.record_id in visible else None,
            }
            for job in shown
        ]
        return self.render_to_response(
            self.get_context_data(page=page, rows=rows, status=status, statuses=JobStatus.choices)
        )
