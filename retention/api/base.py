"""What every retention endpoint shares: who may use which route (ROUTE_ACTIONS), the
permission class that checks it, the translation of the services' errors, the viewset base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.archive.permissions import VIEW_SEALED
from records_dms.archive.selectors import records_by_reference, visible_customers
from records_dms.common.permissions import Permission
from retention.permissions import (
    APPROVE_DESTRUCTION,
    EXECUTE_DESTRUCTION,
    MANAGE_HOLDS,
    REVIEW_RETENTION,
    SEAL,
    VIEW_RETENTION,
)

ModelT = TypeVar("ModelT", bound=Model)
GET, POST = "GET", "POST"
# url name → the action it needs (per method where GET and POST differ). A route missing here
# is refused: a new endpoint must say who may use it.
ROUTE_ACTIONS: dict[str, Permission | dict[str, Permission]] = {
    "retention-due-list": VIEW_RETENTION,
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
