"""What ingestion jobs look like as JSON: the upload page's status, `dms import --json`, and the
API's job resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ingestion.models import IngestionJob, JobStatus
from ingestion.selectors import job_reason
from ingestion.services import children_of


class UploadJobSerializer(serializers.ModelSerializer[IngestionJob]):
    """One file of an upload as the page watches it. The record is named only if
    ``context["visible"]`` (the ids of records the user may see) holds it."""

    id = serializers.CharField(read_only=True)
    file = serializers.CharField(source="original_name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reference = serializers.SerializerMethodField()
    record_url = serializers.SerializerMethodField()
    duplicate = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()

    class Meta:
        model = IngestionJob
        fields = [
            "id",
            "file",
            "status",
            "status_label",
            "reason",
            "reference",
            "record_url",
            "duplicate",
            "depth",
        ]
        read_only_fields = fields

    def _record(self, job: IngestionJob) -> Any:
        return job.record if job.record_id in self.context["visible"] else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reference(self, job: IngestionJob) -> str | None:
        record = self._record(job)
        return record.reference if record else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_record_url(self, job: IngestionJob) -> str | None:
        record = self._record(job)
        return reverse("archive:record", args=[record.pk]) if record else None

    def get_reason(self, job: IngestionJob) -> str:
        return job_reason(job, visible=self.context["visible"])

    def get_duplicate(self, job: IngestionJob) -> bool:
        return job.status == JobStatus.DUPLICATE


@dataclass(frozen=True)
class ImportedFile:
    """A file `dms import` was given: the job it became, or why it was refused before one."""

    file: str
    job: IngestionJob | None
    refusal: str = ""


class ImportedFileSerializer(serializers.Serializer[ImportedFile]):
    """One file of `dms import --json`, as DESIGN.md's CLI contract names its keys."""

    file = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    pages = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    def get_status(self, result: ImportedFile) -> str:
        return str(result.job.status) if result.job else "rejected"

    def get_reference(self, result: ImportedFile) -> str | None:
        job = result.job
        return job.record.reference if job and job.record else None

    def get_pages(self, result: ImportedFile) -> int | None:
        job = result.job
        if job and job.record and job.status == JobStatus.FILED:
            return int(job.record.page_count)
        return None

    def get_children(self, result: ImportedFile) -> list[str]:
        if result.job is None:
            return []
        return [c.record.reference for c in children_of(result.job) if c.record is not None]

    def get_error(self, result: ImportedFile) -> str | None:
        return (result.job.reason if result.job else result.refusal) or None


class JobSerializer(serializers.Serializer[IngestionJob]):
    """One file on its way into a dossier; ``reference`` only when the user may see it."""

    id = serializers.UUIDField(read_only=True)
    file = serializers.CharField(source="original_name", read_only=True)
    customer = serializers.CharField(source="customer.code", read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.SerializerMethodField()
    record_id = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def _record(self, job: IngestionJob) -> Any:
        visible: set[int] = self.context.get("visible_records", set())
        return job.record if job.record_id in visible else None

    def get_reason(self, job: IngestionJob) -> str:
        return job_reason(job, visible=self.context.get("visible_records", set()))

    def get_record_id(self, job: IngestionJob) -> int | None:
        record = self._record(job)
        return record.pk if record is not None else None

    def get_reference(self, job: IngestionJob) -> str | None:
        record = self._record(job)
        return record.reference if record is not None else None

    def get_status_url(self, job: IngestionJob) -> str:
        return reverse("api:job-detail", args=[job.pk])
