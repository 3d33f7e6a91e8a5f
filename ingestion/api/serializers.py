"""What the API shows of an ingestion job: its state, its reason, and the record it made."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from ingestion.models import IngestionJob


class JobSerializer(serializers.Serializer[IngestionJob]):
    """One file on its way into a dossier; ``reference`` only when the user may see it."""

    id = serializers.UUIDField(read_only=True)
    file = serializers.CharField(source="original_name", read_only=True)
    customer = serializers.CharField(source="customer.code", read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    record_id = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def _record(self, job: IngestionJob) -> Any:
        visible: set[int] = self.context.get("visible_records", set())
        return job.record if job.record_id in visible else None

    def get_record_id(self, job: IngestionJob) -> int | None:
        record = self._record(job)
        return record.pk if record is not None else None

    def get_reference(self, job: IngestionJob) -> str | None:
        record = self._record(job)
        return record.reference if record is not None else None

    def get_status_url(self, job: IngestionJob) -> str:
        return reverse("api:job-detail", args=[job.pk])
