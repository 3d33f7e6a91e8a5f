"""``seals/`` (sealed dossiers: seal, unseal) and ``deletion-requests/`` (register, answer, the
letter).
"""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from retention.api.base import RetentionViewSet, _customer, _run
from retention.api.serializers import (
    DeletionRegisterSerializer,
    DeletionRequestSerializer,
    DossierSealSerializer,
    ReasonSerializer,
    SealPlaceSerializer,
)
from retention.models import DeletionRequest, DossierSeal
from retention.services.deletion import (
    deletion_letter_read,
    deletion_request_answer,
    deletion_request_register,
)
from retention.services.sealing import dossier_seal, dossier_unseal

# Seals and deletion requests -----------------------------------------------------------------


class SealViewSet(RetentionViewSet[DossierSeal]):
    serializer_class = DossierSealSerializer

    def get_queryset(self) -> QuerySet[DossierSeal]:
        return DossierSeal.objects.select_related("customer", "sealed_by", "unsealed_by")

    @extend_schema(request=SealPlaceSerializer, responses={201: DossierSealSerializer})
    def create(self, request: Request) -> Response:
        """Seal a customer's dossier."""
        params = SealPlaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        customer = _customer(request, params.validated_data["customer"])
        seal = _run(
            lambda: dossier_seal(
                customer=customer, reason=params.validated_data["reason"], actor=request.user
            )
        )
        return self.respond(seal, status=201)

    @extend_schema(request=ReasonSerializer, responses=DossierSealSerializer)
    @action(detail=True, methods=["post"])
    def unseal(self, request: Request, pk: str) -> Response:
        params = ReasonSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        seal = self.get_object()
        opened = _run(
            lambda: dossier_unseal(
                customer=seal.customer, reason=params.validated_data["reason"], actor=request.user
            )
        )
        return self.respond(opened)


class DeletionViewSet(RetentionViewSet[DeletionRequest]):
    serializer_class = DeletionRequestSerializer

    def get_queryset(self) -> QuerySet[DeletionRequest]:
        return DeletionRequest.objects.select_related(
            "customer", "registered_by", "answered_by", "destruction"
        )

    @extend_schema(request=DeletionRegisterSerializer, responses={201: DeletionRequestSerializer})
    def create(self, request: Request) -> Response:
        """Register a customer's request for deletion."""
        params = DeletionRegisterSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        customer = _customer(request, data["customer"])
        registered = _run(
            lambda: deletion_request_register(
                customer=customer,
                received_on=data["received_on"],
                requester=data["requester"],
                notes=data["notes"],
                actor=request.user,
            )
        )
        return self.respond(registered, status=201)

    @extend_schema(request=None, responses=DeletionRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """Propose what no obligation covers, seal the rest, write the letter."""
        found = self.get_object()
        answered = _run(lambda: deletion_request_answer(request=found, actor=request.user))
        return self.respond(answered)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def letter(self, request: Request, pk: str) -> FileResponse:
        found = self.get_object()
        letter = _run(lambda: deletion_letter_read(deletion=found, actor=request.user))
        return FileResponse(
            io.BytesIO(letter),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{found.number}.pdf",
        )
