"""REST API: read customers and records as the policy allows; upload a record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from ingestion.originals import RejectedFile
from ingestion.services import record_file
from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action
from records_dms.archive.models import Channel, Customer, Record
from records_dms.archive.services import record_access_log
from records_dms.downloads import original_response

from .serializers import (
    CustomerSerializer,
    RecordDetailSerializer,
    RecordSerializer,
    RecordUploadSerializer,
)


class CustomerViewSet(viewsets.ReadOnlyModelViewSet[Customer]):
    serializer_class = CustomerSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Customer]:
        return policy.customers(self.request.user)


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Record],
):
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Record]:
        queryset = policy.records(self.request.user).select_related(
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
        if not policy.has(request.user, Action.READ_RECORD):
            raise PermissionDenied
        record_access_log(
            record=record, actor=request.user, purpose=request.query_params.get("purpose", "")
        )
        return Response(RecordDetailSerializer(record).data)

    @extend_schema(request=RecordUploadSerializer, responses=RecordSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policy.has(request.user, Action.ADD_RECORD):
            raise PermissionDenied
        upload = RecordUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = dict(upload.validated_data)
        customer = policy.customers(request.user).filter(code=data.pop("customer")).first()
        if customer is None:
            raise ValidationError({"customer": ["No such customer."]})
        stream = data.pop("file")
        try:
            record = record_file(
                customer=customer,
                stream=stream,
                filename=stream.name,
                actor=request.user,
                channel=Channel.API,
                **data,
            )
        except RejectedFile as error:
            raise ValidationError({"file": error.messages}) from error
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages}) from error
        return Response(RecordSerializer(record).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        record = self.get_object()
        if not policy.has(request.user, Action.READ_RECORD):
            raise PermissionDenied
        return original_response(
            record, user=request.user, purpose=request.query_params.get("purpose", "")
        )
