"""Writes to accounts: grants and clearances, each audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:  # the archive sits above accounts; only its type is named here
    from records_dms.archive.models import Customer

from records_dms.accounts.models import Clearance, Grant
from records_dms.audit import events
from records_dms.audit.services import audit_log


def grant_create(*, user: Any, customer: Customer, actor: Any) -> Grant:
    """Give a staff member access to one customer's dossier."""
    with transaction.atomic():
        grant, _created = Grant.objects.get_or_create(
            user=user,
            customer=customer,
            defaults={
                "granted_by": actor if actor is not None and actor.is_authenticated else None
            },
        )
        audit_log(
            action=events.GRANT_CREATED,
            actor=actor,
            obj=grant,
            customer_code=customer.code,
            data={"user": user.get_username()},
        )
    return grant


def grant_revoke(*, grant: Grant, actor: Any) -> None:
    with transaction.atomic():
        audit_log(
            action=events.GRANT_REVOKED,
            actor=actor,
            obj=grant,
            customer_code=grant.customer.code,
            data={"user": grant.user.get_username()},
        )
        grant.delete()


def clearance_set(*, user: Any, level: str, actor: Any) -> Clearance:
    with transaction.atomic():
        clearance, _created = Clearance.objects.update_or_create(
            user=user, defaults={"level": level}
        )
        audit_log(
            action=events.CLEARANCE_SET,
            actor=actor,
            obj=clearance,
            data={"user": user.get_username(), "level": level},
        )
    return clearance
