"""/api/v1/inspections/: list and read checks (with their faults), run one on demand."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from records_dms.accounts.policy import policy
from records_dms.archive.selectors import visible_customers
from records_dms.inspection.api.serializers import InspectionSerializer, RunSerializer
from records_dms.inspection.models import Inspection
from records_dms.inspection.permissions import RUN_INSPECTION, VIEW_INSPECTION
from records_dms.inspection.selectors import inspection_results, inspections_visible
from records_dms.inspection.services import inspection_request


class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Inspection]
):
    permission_classes = [IsAuthenticated]
    serializer_class = InspectionSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        needed = RUN_INSPECTION if request.method == "POST" else VIEW_INSPECTION
        if not policy.has(request.user, needed):
            raise PermissionDenied

    def get_queryset(self) -> QuerySet[Inspection]:
        return inspections_visible(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action == "retrieve":
            inspection = self.get_object()
            context["faults"] = {
                inspection.pk: inspection_results(
                    user=self.request.user, inspection=inspection, faults_only=True
                )
            }
        return context

    @extend_schema(request=RunSerializer, responses={201: InspectionSerializer})
    def create(self, request: Request) -> Response:
        given = RunSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        customer = None
        if given.validated_data.get("customer"):
            customer = (
                visible_customers(user=request.user)
                .filter(code=given.validated_data["customer"])
                .first()
            )
            if customer is None:
                raise ValidationError({"customer": ["no such customer"]})
        try:
            inspection = inspection_request(
                actor=request.user,
                customer=customer,
                references=given.validated_data.get("references", []),
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except ValueError as error:
            raise ValidationError({"references": [str(error)]}) from error
        faults = {
            inspection.pk: inspection_results(
                user=request.user, inspection=inspection, faults_only=True
            )
        }
        data = InspectionSerializer(inspection, context={"faults": faults}).data
        return Response(data, status=status.HTTP_201_CREATED)
