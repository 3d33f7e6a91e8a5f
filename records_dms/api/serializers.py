from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer, Page, Record, RecordType


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "industry",
            "region",
            "grade",
            "status",
            "relationship_ended_on",
            "sealed",
            "created_at",
        ]


class PageSerializer(serializers.ModelSerializer[Page]):
    class Meta:
        model = Page
        fields = ["number", "text", "source", "confidence"]


class RecordSerializer(serializers.ModelSerializer[Record]):
    customer: serializers.SlugRelatedField[Customer] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    parent: serializers.SlugRelatedField[Record] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="reference", read_only=True
    )
    volume = serializers.SerializerMethodField()
    complaint: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )

    class Meta:
        model = Record
        fields = [
            "id",
            "reference",
            "customer",
            "type",
            "title",
            "document_date",
            "received_date",
            "channel",
            "confidentiality",
            "language",
            "state",
            "volume",
            "complaint",
            "parent",
            "physical_location",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "page_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_volume(self, record: Record) -> int | None:
        return record.volume.number if record.volume else None


class RecordDetailSerializer(RecordSerializer):
    pages = PageSerializer(many=True, read_only=True)

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "pages"]
        read_only_fields = fields


class RecordUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True)
    customer = serializers.CharField(help_text="customer code")
    type = serializers.ChoiceField(choices=RecordType.choices)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    document_date = serializers.DateField(default=timezone.localdate)
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
