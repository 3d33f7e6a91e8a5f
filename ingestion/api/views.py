"""REST endpoint of ingestion: ``GET /api/v1/jobs/{id}/``, the state of an uploaded file.

``POST /api/v1/records/`` queues the file and answers 202 with the job; a client follows it
here until it is filed, a duplicate, rejected (with the reason) or failed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from ingestion.api.serializers import JobSerializer
from ingestion.models import IngestionJob
from records_dms.accounts.policy import policy
from records_dms.archive.permissions import ADD_RECORD
from records_dms.archive.selectors import visible_customers, visible_records


def job_payload(job: IngestionJob, user: Any) -> dict[str, Any]:
    """The job as the API shows it to ``user`` (its record named only if visible to them)."""
    visible = set(
        visible_records(user=user).filter(pk=job.record_id).values_list("pk", flat=True)
        if job.record_id
        else ()
    )
    return dict(JobSerializer(job, context={"visible_records": visible}).data)


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[IngestionJob]):
    serializer_class = JobSerializer

    def get_queryset(self) -> QuerySet[IngestionJob]:
        return IngestionJob.objects.filter(
            customer__in=visible_customers(user=self.request.user)
        ).select_related("customer", "record")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.has(request.user, ADD_RECORD):
            raise PermissionDenied
        return Response(job_payload(self.get_object(), request.user))
