from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import serializers

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer, Page, Record, RecordType
from records_dms.archive.searching import MAX_OFFSET


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
    """A record with its pages and when it comes up for review (`dms show`, the API)."""

    pages = PageSerializer(many=True, read_only=True)
    due_date = serializers.SerializerMethodField()

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "due_date", "pages"]
        read_only_fields = fields

    def get_due_date(self, record: Record) -> datetime.date | None:
        # Retention keeps the due date beside the record (a one-to-one row it owns); the archive
        # reads it by the relation's name and never imports retention.
        try:
            due: datetime.date | None = record.retention.due_date
        except ObjectDoesNotExist:
            return None
        return due


class RecordUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True)
    customer = serializers.CharField(help_text="customer code")
    type = serializers.ChoiceField(choices=RecordType.choices)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    document_date = serializers.DateField(default=timezone.localdate)
    confidentiality = serializers.ChoiceField(
        choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )


class SearchParamsSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    customer = serializers.ListField(child=serializers.CharField(max_length=32), default=list)
    type = serializers.ListField(
        child=serializers.ChoiceField(choices=RecordType.choices), default=list
    )
    year = serializers.ListField(child=serializers.IntegerField(min_value=1900), default=list)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, default=0)


class ScoreField(serializers.FloatField):
    """A relevance score, to four places: more digits only differ between runs."""

    def to_representation(self, value: Any) -> Any:  # a number, not the str of the stubs
        return round(float(value), 4)


class SearchHitSummarySerializer(serializers.Serializer[Any]):
    """A page that matched, with the keys DESIGN.md's CLI contract gives `dms search --json`."""

    reference = serializers.CharField(read_only=True)
    customer = serializers.CharField(read_only=True)
    type = serializers.CharField(source="record_type", read_only=True)
    title = serializers.CharField(read_only=True)
    page = serializers.IntegerField(read_only=True)
    score = ScoreField(read_only=True)
    snippet = serializers.CharField(
        read_only=True, help_text="HTML: the page text escaped, matches in <mark>"
    )


class SearchHitSerializer(SearchHitSummarySerializer):
    """A result of GET search/: the summary, and the record's id and date to link and sort."""

    record_id = serializers.IntegerField(read_only=True)
    document_date = serializers.DateField(allow_null=True, read_only=True)


class SearchResultsSerializer(serializers.Serializer[Any]):
    """One page of results (a ``SearchPage``) with the facets of all of them."""

    count = serializers.IntegerField(
        source="results.total", read_only=True, help_text="pages the user may see that match"
    )
    limit = serializers.IntegerField(read_only=True)
    offset = serializers.IntegerField(read_only=True)
    facets = serializers.DictField(
        source="results.facets",
        read_only=True,
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="customer, type, year → value → pages",
    )
    results = SearchHitSerializer(source="results.hits", many=True, read_only=True)
