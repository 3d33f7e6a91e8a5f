"""REST API: read customers and records as the policy allows; upload a record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ingestion.api.serializers import JobSerializer
from ingestion.api.views import job_payload
from ingestion.models import JobStatus
from ingestion.services import ingest_submit
from records_dms.accounts.policy import policy
from records_dms.archive.api.serializers import (
    CustomerSerializer,
    RecordDetailSerializer,
    RecordSerializer,
    RecordUploadSerializer,
    SearchParamsSerializer,
    SearchResultsSerializer,
)
from records_dms.archive.downloads import original_response, stamped_response
from records_dms.archive.models import Channel, Customer, Record
from records_dms.archive.permissions import ADD_RECORD, READ_RECORD, VIEW_RECORD
from records_dms.archive.searching import SearchFilters, SearchPage, record_search
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.archive.services import record_access_log
from search import Results


class CustomerViewSet(viewsets.ReadOnlyModelViewSet[Customer]):
    serializer_class = CustomerSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Customer]:
        return visible_customers(user=self.request.user)


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Record],
):
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Record]:
        queryset = visible_records(user=self.request.user).select_related(
            "customer", "volume", "complaint", "parent"
        )
        if code := self.request.query_params.get("customer"):
            queryset = queryset.filter(customer__code=code)
        if record_type := self.request.query_params.get("type"):
            queryset = queryset.filter(type=record_type)
        return queryset.order_by("customer__code", "document_date", "reference")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return RecordUploadSerializer
        return RecordDetailSerializer if self.action == "retrieve" else RecordSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        if not policy.has(request.user, READ_RECORD):
            raise PermissionDenied
        record_access_log(
            record=record, actor=request.user, purpose=request.query_params.get("purpose", "")
        )
        return Response(RecordDetailSerializer(record).data)

    @extend_schema(request=RecordUploadSerializer, responses={202: JobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Queue the file: 202 with its job (``status_url`` to follow), never parsed here.

        A file refused before it is queued (empty, over the size limit) is a 400 naming it.
        """
        if not policy.has(request.user, ADD_RECORD):
            raise PermissionDenied
        upload = RecordUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = dict(upload.validated_data)
        customer = visible_customers(user=request.user).filter(code=data.pop("customer")).first()
        if customer is None:
            raise ValidationError({"customer": ["No such customer."]})
        stream = data.pop("file")
        try:
            job = ingest_submit(
                customer=customer,
                stream=stream,
                filename=stream.name,
                actor=request.user,
                record_type=data.pop("type"),
                channel=Channel.API,
                **data,
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from error
        if job.status == JobStatus.REJECTED:
            raise ValidationError({"file": [f"{job.original_name}: {job.reason}"]})
        payload = job_payload(job, request.user)
        return Response(payload, status=202, headers={"Location": payload["status_url"]})

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        record = self.get_object()
        if not policy.has(request.user, READ_RECORD):
            raise PermissionDenied
        return original_response(
            record, user=request.user, purpose=request.query_params.get("purpose", "")
        )

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="stamped.pdf", url_name="stamped")
    def stamped(self, request: Request, pk: str | None = None) -> FileResponse:
        """The record's PDF with its filing stamp (归档章, DA/T 22-2015); 400 if it has none."""
        record = self.get_object()
        if not policy.has(request.user, READ_RECORD):
            raise PermissionDenied
        try:
            return stamped_response(
                record, user=request.user, purpose=request.query_params.get("purpose", "")
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from error


class SearchView(APIView):
    """Full-text search of the pages the user may see: `?q=投诉&customer=KH-0101&type=contract`."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="words, a phrase, a code"),
            OpenApiParameter("customer", str, many=True, description="customer code"),
            OpenApiParameter("type", str, many=True, description="record type"),
            OpenApiParameter("year", int, many=True),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses=SearchResultsSerializer,
    )
    def get(self, request: Request) -> Response:
        if not policy.has(request.user, VIEW_RECORD):
            raise PermissionDenied
        form = SearchParamsSerializer(
            data={
                **{key: request.query_params.get(key) for key in request.query_params},
                "customer": request.query_params.getlist("customer"),
                "type": request.query_params.getlist("type"),
                "year": request.query_params.getlist("year"),
            }
        )
        form.is_valid(raise_exception=True)
        params = form.validated_data
        if not params["q"].strip():
            nothing = SearchPage(
                text="",
                filters=SearchFilters(),
                results=Results(hits=[], total=0),
                limit=params["limit"],
                offset=params["offset"],
            )
            return Response(SearchResultsSerializer(nothing).data)
        page = record_search(
            user=request.user,
            text=params["q"],
            filters=SearchFilters(
                customers=tuple(code.upper() for code in params["customer"]),
                record_types=tuple(params["type"]),
                years=tuple(params["year"]),
                date_from=params.get("date_from"),
                date_to=params.get("date_to"),
            ),
            limit=params["limit"],
            offset=params["offset"],
        )
        return Response(SearchResultsSerializer(page).data)
