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
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, Volume
from records_dms.archive.permissions import VIEW_SEALED
from records_dms.archive.selectors import records_by_reference, visible_customers
from records_dms.audit.services import audit_log
from records_dms.common.permissions import Permission
from retention import events
from retention.api.serializers import (
    CertificateSerializer,
    DeletionRegisterSerializer,
    DeletionRequestSerializer,
    DestructionRequestSerializer,
    DossierSealSerializer,
    DueRecordSerializer,
    ExecuteSerializer,
    HoldPlaceSerializer,
    HoldSerializer,
    ProposeSerializer,
    ReasonSerializer,
    RejectSerializer,
    SealPlaceSerializer,
)
from retention.certificates import certificate_bytes
from retention.models import (
    DeletionRequest,
    DestructionCertificate,
    DestructionRequest,
    DossierSeal,
    LegalHold,
)
from retention.permissions import (
    APPROVE_DESTRUCTION,
    EXECUTE_DESTRUCTION,
    MANAGE_HOLDS,
    REVIEW_RETENTION,
    SEAL,
    VIEW_RETENTION,
)
from retention.selectors import certificate_visible
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
from retention.services.holds import hold_lift, hold_place
from retention.services.review import due_records
from retention.services.sealing import dossier_seal, dossier_unseal
from retention.services.witnesses import WitnessSignature

ModelT = TypeVar("ModelT", bound=Model)
GET, POST = "GET", "POST"
# url name → the action it needs (per method where GET and POST differ). A route missing here
# is refused: a new endpoint must say who may use it.
ROUTE_ACTIONS: dict[str, Permission | dict[str, Permission]] = {
    "retention-due-list": REVIEW_RETENTION,
    "retention-hold-list": {GET: VIEW_RETENTION, POST: MANAGE_HOLDS},
    "retention-hold-detail": VIEW_RETENTION,
    "retention-hold-lift": MANAGE_HOLDS,
    "retention-destruction-list": {GET: VIEW_RETENTION, POST: REVIEW_RETENTION},
    "retention-destruction-detail": VIEW_RETENTION,
    "retention-destruction-approve": APPROVE_DESTRUCTION,
    "retention-destruction-reject": APPROVE_DESTRUCTION,
    "retention-destruction-execute": EXECUTE_DESTRUCTION,
    "retention-certificate-list": VIEW_RETENTION,
    "retention-certificate-detail": VIEW_RETENTION,
    "retention-certificate-download": VIEW_RETENTION,
    "retention-seal-list": {GET: VIEW_SEALED, POST: SEAL},
    "retention-seal-detail": VIEW_SEALED,
    "retention-seal-unseal": SEAL,
    "retention-deletion-list": {GET: VIEW_SEALED, POST: SEAL},
    "retention-deletion-detail": VIEW_SEALED,
    "retention-deletion-answer": SEAL,
    "retention-deletion-letter": VIEW_SEALED,
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


class RetentionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ModelT]
):
    """List and show with the viewset's serializer; the steps answer with it too."""

    permission_classes = [IsAuthenticated, RetentionPermission]
    pagination_class = None  # the lists are short registers, returned whole

    def respond(self, instance: ModelT, status: int = 200) -> Response:
        return Response(self.get_serializer(instance).data, status=status)


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


# Destruction requests ------------------------------------------------------------------------


class DestructionViewSet(RetentionViewSet[DestructionRequest]):
    serializer_class = DestructionRequestSerializer

    def get_queryset(self) -> QuerySet[DestructionRequest]:
        rows = DestructionRequest.objects.select_related("proposed_by", "executed_by")
        if self.action == "list" and (state := self.request.query_params.get("state")):
            rows = rows.filter(state=state)
        return rows

    def get_serializer_context(self) -> dict[str, Any]:
        # The items are named only as far as the caller may see their records.
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(
        parameters=[OpenApiParameter("state", str, description="only requests in this state")]
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(request=ProposeSerializer, responses={201: DestructionRequestSerializer})
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
        return self.respond(proposed, status=201)

    @extend_schema(request=None, responses=DestructionRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve (a compliance officer who is not the proposer)."""
        found = self.get_object()
        approved = _run(lambda: destruction_request_approve(request=found, actor=request.user))
        return self.respond(approved)

    @extend_schema(request=RejectSerializer, responses=DestructionRequestSerializer)
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
        return self.respond(rejected)

    @extend_schema(request=ExecuteSerializer, responses={202: DestructionRequestSerializer})
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
                    witnesses=[
                        WitnessSignature(
                            png=w["png"], name=w["name"], user=w["user"], unit=w["unit"]
                        )
                        for w in data["witnesses"]
                    ],
                    paper_method=data["paper_method"] or "shredding",
                    run=False,
                )
            )
            transaction.on_commit(partial(destruction_execute_task.enqueue, started.pk))
        return self.respond(started, status=202)


# Certificates --------------------------------------------------------------------------------


class CertificateViewSet(RetentionViewSet[DestructionCertificate]):
    serializer_class = CertificateSerializer

    def get_queryset(self) -> QuerySet[DestructionCertificate]:
        return DestructionCertificate.objects.select_related("request", "record")

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        """The signed PDF, logged like any other download; refused (403) to a caller who may
        not see every record it names (a signed PDF cannot be trimmed)."""
        certificate = self.get_object()
        if not certificate_visible(user=request.user, certificate=certificate):
            raise PermissionDenied(_("The certificate names records you cannot see."))
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
