"""The four-property check over the API and in the CLI's --json: one shape for both."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from records_dms.inspection.items import item_of
from records_dms.inspection.models import Inspection, InspectionResult


class ResultSerializer(serializers.ModelSerializer[InspectionResult]):
    reference = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField()

    class Meta:
        model = InspectionResult
        fields = ["reference", "code", "property", "item", "outcome", "detail"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reference(self, result: InspectionResult) -> str | None:
        return result.record.reference if result.record else None

    def get_item(self, result: InspectionResult) -> str:
        item = item_of(result.code)
        return str(item.label) if item else ""


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    customer: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    faults = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "occasion",
            "started_at",
            "finished_at",
            "actor_name",
            "customer",
            "record_count",
            "total_bytes",
            "expected_count",
            "expected_bytes",
            "passed",
            "failed",
            "not_applicable",
            "faulty_records",
            "faults",
        ]

    @extend_schema_field(ResultSerializer(many=True))
    def get_faults(self, inspection: Inspection) -> list[dict[str, Any]]:
        results = self.context.get("faults", {}).get(inspection.pk, [])
        return ResultSerializer(results, many=True).data  # type: ignore[return-value]


class RunSerializer(serializers.Serializer[Any]):
    customer = serializers.CharField(required=False)
    references = serializers.ListField(child=serializers.CharField(), required=False)
