"""``destruction-requests/`` (list, propose, approve or reject, execute) and ``certificates/``
(the certificates of executed requests and their signed PDF).
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from records_dms.audit.services import audit_log
from retention import events
from retention.api.base import RetentionViewSet, _run, _visible_records
from retention.api.serializers import (
    CertificateSerializer,
    DestructionRequestSerializer,
    ExecuteSerializer,
    ProposeSerializer,
    RejectSerializer,
)
from retention.certificates import certificate_bytes
from retention.models import DestructionCertificate, DestructionRequest
from retention.selectors import certificate_visible
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
    destruction_request_reject,
)
from retention.services.witnesses import WitnessSignature

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
