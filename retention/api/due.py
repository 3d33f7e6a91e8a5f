"""``due/``: records due for review (GET)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from retention.api.base import RetentionPermission, _customer
from retention.api.serializers import DueRecordSerializer
from retention.services.review import due_records

# Due records ---------------------------------------------------------------------------------


class DueViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated, RetentionPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="default today"),
            OpenApiParameter("customer", str, description="customer code"),
            OpenApiParameter("type", str, description="record type"),
            OpenApiParameter("schedule", str, description="schedule code"),
        ],
        responses=DueRecordSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        """Records due for review on or before ``on`` that the caller may see."""
        params = request.query_params
        try:
            on = datetime.date.fromisoformat(params["on"]) if params.get("on") else None
        except ValueError as error:
            raise ValidationError({"on": ["YYYY-MM-DD"]}) from error
        customer = None
        if params.get("customer"):
            customer = _customer(request, params["customer"]).pk
        rows = due_records(
            on or timezone.localdate(),
            user=request.user,
            customer=customer,
            record_type=params.get("type", ""),
        )
        if params.get("schedule"):
            rows = rows.filter(schedule__code=params["schedule"])
        return Response(DueRecordSerializer(rows, many=True).data)
