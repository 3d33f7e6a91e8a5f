"""REST endpoints of retention under /api/v1/retention/: the same services as the screens and
the CLI, and the same payloads as ``dms ... --json`` (the role of each route: ROUTE_ACTIONS).

- ``due/``: records due for review (GET).
- ``holds/``, ``holds/{id}/``, ``holds/{id}/lift/``: list, place (POST), lift.
- ``destruction-requests/``, ``…/{id}/``, ``…/{id}/approve|reject|execute/``: list, propose
  (POST), approve or reject (never the proposer), execute.
- ``certificates/``, ``…/{id}/``, ``…/{id}/download/``: certificates and the signed PDF.
- ``seals/``, ``…/{id}/``, ``…/{id}/unseal/``: sealed dossiers, seal (POST), unseal.
- ``deletion-requests/``, ``…/{id}/``, ``…/{id}/answer/``, ``…/{id}/letter/``: register (POST),
  answer, the letter.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action
from records_dms.archive.models import Record, Volume
from records_dms.archive.selectors import records_by_reference, visible_customers, visible_records
from records_dms.audit.services import audit_log
from retention import events
from retention.api.serializers import deletion_payload, request_payload
from retention.certificates import certificate_bytes
from retention.models import (
    DeletionRequest,
    DestructionCertificate,
    DestructionRequest,
    DossierSeal,
    LegalHold,
)
from retention.services.deletion import (
    deletion_letter_bytes,
    deletion_request_answer,
    deletion_request_register,
)
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
    destruction_request_reject,
)
from retention.services.holds import hold_lift, hold_place, hold_records
from retention.services.review import due_records
from retention.services.sealing import dossier_seal, dossier_unseal

GET, POST = "GET", "POST"
# url name → the action it needs (per method where GET and POST differ). A route missing here
# is refused: a new endpoint must say who may use it.
ROUTE_ACTIONS: dict[str, Action | dict[str, Action]] = {
    "retention-due-list": Action.REVIEW_RETENTION,
    "retention-hold-list": {GET: Action.VIEW_RETENTION, POST: Action.MANAGE_HOLDS},
    "retention-hold-detail": Action.VIEW_RETENTION,
    "retention-hold-lift": Action.MANAGE_HOLDS,
    "retention-destruction-list": {GET: Action.VIEW_RETENTION, POST: Action.REVIEW_RETENTION},
    "retention-destruction-detail": Action.VIEW_RETENTION,
    "retention-destruction-approve": Action.APPROVE_DESTRUCTION,
    "retention-destruction-reject": Action.APPROVE_DESTRUCTION,
    "retention-destruction-execute": Action.EXECUTE_DESTRUCTION,
    "retention-certificate-list": Action.VIEW_RETENTION,
    "retention-certificate-detail": Action.VIEW_RETENTION,
    "retention-certificate-download": Action.VIEW_RETENTION,
    "retention-seal-list": {GET: Action.VIEW_SEALED, POST: Action.SEAL},
    "retention-seal-detail": Action.VIEW_SEALED,
    "retention-seal-unseal": Action.SEAL,
    "retention-deletion-list": {GET: Action.VIEW_SEALED, POST: Action.SEAL},
    "retention-deletion-detail": Action.VIEW_SEALED,
    "retention-deletion-answer": Action.SEAL,
    "retention-deletion-letter": Action.VIEW_SEALED,
}


class RetentionPermission(BasePermission):
    """Checked before the method, so a refused role gets 403 rather than 405."""

    def has_permission(self, request: Any, view: Any) -> bool:
        match = request.resolver_match
        needed = ROUTE_ACTIONS.get(match.url_name if match else "")
        if isinstance(needed, dict):
            needed = needed.get(request.method, needed[GET])
        return needed is not None and policy.has(request.user, needed)


def _run(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error


def _visible_records(request: Request, references: list[str]) -> list[Record]:
    """The named records the caller may see; an unknown or hidden one is a 400, not a leak."""
    try:
        return records_by_reference(user=request.user, references=references)
    except DjangoValidationError as error:
        raise ValidationError({"references": error.messages}) from error


def _customer(request: Request, code: str) -> Any:
    customer = visible_customers(user=request.user).filter(code=code.strip().upper()).first()
    if customer is None:
        raise ValidationError({"customer": [f"no customer {code}"]})
    return customer


class Payload(serializers.Serializer[Any]):
    """Responses are the CLI's ``--json`` payloads (see README, Retention)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return dict(instance)


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
        responses=Payload(many=True),
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
        return Response(
            [
                {
                    "reference": row.record.reference,
                    "customer": row.record.customer.code,
                    "type": row.record.type,
                    "title": row.record.title,
                    "schedule": row.schedule.code if row.schedule else None,
                    "trigger_date": row.trigger_date,
                    "due_date": row.due_date,
                }
                for row in rows
            ]
        )


# Holds ---------------------------------------------------------------------------------------


class HoldPlaceSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)
    references = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    customer = serializers.CharField(required=False, allow_blank=True, default="")
    volume = serializers.IntegerField(required=False, allow_null=True, default=None)
    query = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def hold_data(hold: LegalHold, user: Any) -> dict[str, Any]:
    covered = hold_records(hold).filter(pk__in=visible_records(user=user))
    return {
        "id": hold.pk,
        "scope": hold.scope,
        "reason": hold.reason,
        "active": hold.active,
        "customer": hold.customer.code if hold.customer else None,
        "volume": hold.volume_id,
        "query": hold.query or None,
        "placed_by": hold.placed_by.get_username(),
        "placed_at": hold.placed_at,
        "lifted_at": hold.lifted_at,
        "lift_reason": hold.lift_reason or None,
        "records": list(covered.values_list("reference", flat=True)),
    }


class HoldViewSet(viewsets.GenericViewSet[LegalHold]):
    permission_classes = [IsAuthenticated, RetentionPermission]
    serializer_class = Payload

    def get_queryset(self) -> QuerySet[LegalHold]:
        return LegalHold.objects.select_related("placed_by", "customer")

    def list(self, request: Request) -> Response:
        return Response([hold_data(h, request.user) for h in self.get_queryset()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(hold_data(self.get_object(), request.user))

    @extend_schema(request=HoldPlaceSerializer, responses={201: Payload})
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
        return Response(hold_data(hold, request.user), status=201)

    @extend_schema(request=ReasonSerializer, responses=Payload)
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: str) -> Response:
        params = ReasonSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        hold = self.get_object()
        lifted = _run(
            lambda: hold_lift(hold=hold, actor=request.user, reason=params.validated_data["reason"])
        )
        return Response(hold_data(lifted, request.user))


# Destruction requests ------------------------------------------------------------------------


class ProposeSerializer(serializers.Serializer[Any]):
    references = serializers.ListField(child=serializers.CharField(), min_length=1)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)


class ExecuteSerializer(serializers.Serializer[Any]):
    witness = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    paper_method = serializers.CharField(max_length=100, required=False, default="shredding")


class DestructionViewSet(viewsets.GenericViewSet[DestructionRequest]):
    permission_classes = [IsAuthenticated, RetentionPermission]
    serializer_class = Payload

    def get_queryset(self) -> QuerySet[DestructionRequest]:
        return DestructionRequest.objects.select_related("proposed_by", "executed_by")

    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        if state := request.query_params.get("state"):
            rows = rows.filter(state=state)
        return Response([request_payload(r) for r in rows])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(request_payload(self.get_object()))

    @extend_schema(request=ProposeSerializer, responses={201: Payload})
    def create(self, request: Request) -> Response:
        """Propose due records for destruction."""
        params = ProposeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        records = _visible_records(request, params.validated_data["references"])
        proposed = _run(
            lambda: destruction_request_propose(
                records=records, actor=request.user, reason=params.validated_data["reason"]
            )
        )
        return Response(request_payload(proposed), status=201)

    @extend_schema(request=None, responses=Payload)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve (a compliance officer who is not the proposer)."""
        found = self.get_object()
        approved = _run(lambda: destruction_request_approve(request=found, actor=request.user))
        return Response(request_payload(approved))

    @extend_schema(request=RejectSerializer, responses=Payload)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        params = RejectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        found = self.get_object()
        rejected = _run(
            lambda: destruction_request_reject(
                request=found, actor=request.user, reason=params.validated_data["reason"]
            )
        )
        return Response(request_payload(rejected))

    @extend_schema(request=ExecuteSerializer, responses={202: Payload})
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: str) -> Response:
        """Start the execution; the worker carries it out (202), as from the screen."""
        from retention.tasks import destruction_execute_task

        params = ExecuteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = self.get_object()
        with transaction.atomic():
            started = _run(
                lambda: destruction_request_execute(
                    request=found,
                    actor=request.user,
                    witness=data["witness"],
                    paper_method=data["paper_method"] or "shredding",
                    run=False,
                )
            )
            transaction.on_commit(partial(destruction_execute_task.enqueue, started.pk))
        return Response(request_payload(started), status=202)


# Certificates --------------------------------------------------------------------------------


def certificate_data(certificate: DestructionCertificate) -> dict[str, Any]:
    return {
        "id": certificate.pk,
        "number": certificate.number,
        "request": certificate.request.number,
        "sha256": certificate.sha256,
        "issued_at": certificate.issued_at,
        "record": certificate.record.reference if certificate.record else None,
    }


class CertificateViewSet(viewsets.GenericViewSet[DestructionCertificate]):
    permission_classes = [IsAuthenticated, RetentionPermission]
    serializer_class = Payload

    def get_queryset(self) -> QuerySet[DestructionCertificate]:
        return DestructionCertificate.objects.select_related("request", "record")

    def list(self, request: Request) -> Response:
        return Response([certificate_data(c) for c in self.get_queryset()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(certificate_data(self.get_object()))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        """The signed PDF, logged like any other download."""
        certificate = self.get_object()
        audit_log(
            action=events.CERTIFICATE_DOWNLOADED, actor=request.user, obj=certificate, data={}
        )
        return FileResponse(
            io.BytesIO(certificate_bytes(certificate)),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{certificate.number}.pdf",
        )


# Seals and deletion requests -----------------------------------------------------------------


class SealSerializer(serializers.Serializer[Any]):
    customer = serializers.CharField()
    reason = serializers.CharField(max_length=300)


def seal_data(seal: DossierSeal) -> dict[str, Any]:
    return {
        "id": seal.pk,
        "customer": seal.customer.code,
        "active": seal.active,
        "reason": seal.reason,
        "sealed_by": seal.sealed_by.get_username(),
        "sealed_at": seal.sealed_at,
        "unsealed_by": seal.unsealed_by.get_username() if seal.unsealed_by else None,
        "unsealed_at": seal.unsealed_at,
        "unseal_reason": seal.unseal_reason or None,
    }


class SealViewSet(viewsets.GenericViewSet[DossierSeal]):
    permission_classes = [IsAuthenticated, RetentionPermission]
    serializer_class = Payload

    def get_queryset(self) -> QuerySet[DossierSeal]:
        return DossierSeal.objects.select_related("customer", "sealed_by", "unsealed_by")

    def list(self, request: Request) -> Response:
        return Response([seal_data(s) for s in self.get_queryset()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(seal_data(self.get_object()))

    @extend_schema(request=SealSerializer, responses={201: Payload})
    def create(self, request: Request) -> Response:
        """Seal a customer's dossier."""
        params = SealSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        customer = _customer(request, params.validated_data["customer"])
        seal = _run(
            lambda: dossier_seal(
                customer=customer, reason=params.validated_data["reason"], actor=request.user
            )
        )
        return Response(seal_data(seal), status=201)

    @extend_schema(request=ReasonSerializer, responses=Payload)
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
        return Response(seal_data(opened))


class DeletionRegisterSerializer(serializers.Serializer[Any]):
    customer = serializers.CharField()
    received_on = serializers.DateField()
    requester = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DeletionViewSet(viewsets.GenericViewSet[DeletionRequest]):
    permission_classes = [IsAuthenticated, RetentionPermission]
    serializer_class = Payload

    def get_queryset(self) -> QuerySet[DeletionRequest]:
        return DeletionRequest.objects.select_related(
            "customer", "registered_by", "answered_by", "destruction"
        )

    def list(self, request: Request) -> Response:
        return Response([deletion_payload(d) for d in self.get_queryset()])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(deletion_payload(self.get_object()))

    @extend_schema(request=DeletionRegisterSerializer, responses={201: Payload})
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
        return Response(deletion_payload(registered), status=201)

    @extend_schema(request=None, responses=Payload)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """Propose what no obligation covers, seal the rest, write the letter."""
        found = self.get_object()
        answered = _run(lambda: deletion_request_answer(request=found, actor=request.user))
        return Response(deletion_payload(answered))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def letter(self, request: Request, pk: str) -> FileResponse:
        found = self.get_object()
        if not found.letter_key:
            raise ValidationError({"detail": [f"{found.number} is not answered yet"]})
        audit_log(
            action=events.DELETION_LETTER_DOWNLOADED,
            actor=request.user,
            obj=found,
            customer_code=found.customer.code,
            data={"number": found.number},
        )
        return FileResponse(
            io.BytesIO(deletion_letter_bytes(found)),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{found.number}.pdf",
        )


router = SimpleRouter()
router.register("retention/due", DueViewSet, basename="retention-due")
router.register("retention/holds", HoldViewSet, basename="retention-hold")
router.register(
    "retention/destruction-requests", DestructionViewSet, basename="retention-destruction"
)
router.register("retention/certificates", CertificateViewSet, basename="retention-certificate")
router.register("retention/seals", SealViewSet, basename="retention-seal")
router.register("retention/deletion-requests", DeletionViewSet, basename="retention-deletion")
urlpatterns = router.urls
