"""``holds/``, ``holds/{id}/``, ``holds/{id}/lift/``: list, place (POST), lift."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from records_dms.archive.models import Volume
from records_dms.archive.selectors import visible_customers
from retention.api.base import RetentionViewSet, _customer, _run, _visible_records
from retention.api.serializers import HoldPlaceSerializer, HoldSerializer, ReasonSerializer
from retention.models import LegalHold
from retention.services.holds import hold_lift, hold_place

# Holds ---------------------------------------------------------------------------------------


class HoldViewSet(RetentionViewSet[LegalHold]):
    serializer_class = HoldSerializer

    def get_queryset(self) -> QuerySet[LegalHold]:
        return LegalHold.objects.select_related("placed_by", "customer")

    def get_serializer_context(self) -> dict[str, Any]:
        # The records a hold covers are named only as far as the caller may see them.
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(request=HoldPlaceSerializer, responses={201: HoldSerializer})
    def create(self, request: Request) -> Response:
        """Place a hold on records, a volume, a dossier or what a search finds."""
        params = HoldPlaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        records = _visible_records(request, data["references"])
        customer = _customer(request, data["customer"]) if data["customer"] else None
        volume = None
        if data["volume"] is not None:
            volume = Volume.objects.filter(
                pk=data["volume"], customer__in=visible_customers(user=request.user)
            ).first()
            if volume is None:
                raise ValidationError({"volume": [f"no volume {data['volume']}"]})
        hold = _run(
            lambda: hold_place(
                actor=request.user,
                reason=data["reason"],
                records=records,
                volume=volume,
                customer=customer,
                query=data["query"],
            )
        )
        return self.respond(hold, status=201)

    @extend_schema(request=ReasonSerializer, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str) -> Response:
        params = ReasonSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        hold = self.get_object()
        lifted = _run(
            lambda: hold_lift(hold=hold, actor=request.user, reason=params.validated_data["reason"])
        )
        return self.respond(lifted)
