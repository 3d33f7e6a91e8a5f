"""REST endpoints of lending under /api/v1/loans/: the same services as the screens and CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from records_dms.accounts.policy import policy
from records_dms.archive.selectors import visible_records
from records_dms.lending.api.serializers import (
    DecisionSerializer,
    LoanRequestSerializer,
    LoanSerializer,
    ReturnSerializer,
    SignatureSerializer,
)
from records_dms.lending.models import Loan
from records_dms.lending.permissions import APPROVE_LOAN, LEND, REQUEST_LOAN
from records_dms.lending.selectors import loans_visible
from records_dms.lending.services import (
    loan_approve,
    loan_check_out,
    loan_refuse,
    loan_request,
    loan_return,
)

# Which action each route needs; checked before the method, so a refused role gets 403, not 405.
ROUTE_ACTIONS = {
    "loan-approve": APPROVE_LOAN,
    "loan-refuse": APPROVE_LOAN,
    "loan-checkout": LEND,
    "loan-return": LEND,
}


class LendingPermission(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        match = request.resolver_match
        needed = ROUTE_ACTIONS.get(match.url_name if match else "")
        if needed is None and request.method == "POST":
            needed = REQUEST_LOAN
        return needed is None or policy.has(request.user, needed)


def _run(work: Callable[[], Loan], request: Request) -> Response:
    try:
        loan = work()
    except DjangoValidationError as error:
        raise ValidationError({"detail": error.messages}) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    loan.refresh_from_db()  # a service may have moved it on by an update
    return Response(LoanSerializer(loan, context={"request": request}).data)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Loan]):
    """Loans the user may see: their own, or every loan for clerks and register readers."""

    serializer_class = LoanSerializer
    permission_classes = [IsAuthenticated, LendingPermission]

    def get_queryset(self) -> QuerySet[Loan]:
        return loans_visible(self.request.user).order_by("-id")

    @extend_schema(request=LoanRequestSerializer, responses={201: LoanSerializer})
    def create(self, request: Request) -> Response:
        """Ask to borrow records (the borrower is the caller)."""
        params = LoanRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        visible = visible_records(user=request.user)
        records = []
        for reference in data["references"]:
            record = visible.filter(reference=reference.strip().upper()).first()
            if record is None:
                raise ValidationError({"references": [f"no record {reference}"]})
            records.append(record)
        response = _run(
            lambda: loan_request(
                actor=request.user,
                items=[(r, data["kind"]) for r in records],
                purpose=data["purpose"],
                due_on=data.get("due_on"),
            ),
            request,
        )
        response.status_code = 201
        return response

    @extend_schema(request=DecisionSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        loan = self.get_object()
        note = params.validated_data["note"]
        return _run(lambda: loan_approve(loan=loan, actor=request.user, note=note), request)

    @extend_schema(request=DecisionSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        loan = self.get_object()
        reason = params.validated_data["note"]
        return _run(lambda: loan_refuse(loan=loan, actor=request.user, reason=reason), request)

    @extend_schema(request=SignatureSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"])
    def checkout(self, request: Request, pk: str) -> Response:
        """Hand over; ``signature`` is the borrower's PNG (base64)."""
        params = SignatureSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        loan = self.get_object()
        png = params.validated_data["signature"]
        return _run(lambda: loan_check_out(loan=loan, actor=request.user, signature=png), request)

    @extend_schema(request=ReturnSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        """Take back; ``signature`` is the receiver's PNG, ``conditions`` reference → state."""
        params = ReturnSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        loan = self.get_object()
        png = None
        if data.get("signature"):
            checked = SignatureSerializer(data={"signature": data["signature"]})
            checked.is_valid(raise_exception=True)
            png = checked.validated_data["signature"]
        by_reference = {i.record.reference: i.pk for i in loan.items.select_related("record")}
        conditions = {
            by_reference[r]: c for r, c in data["conditions"].items() if r in by_reference
        }
        return _run(
            lambda: loan_return(
                loan=loan,
                actor=request.user,
                signature=png,
                conditions=conditions,
                note=data["note"],
            ),
            request,
        )
