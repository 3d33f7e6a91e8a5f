"""Writes to accounts: roles, grants and clearances, each audited (who, whom, before, after);
nobody changes its own (another administrator must)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:  # the archive sits above accounts; only its type is named here
    from records_dms.archive.models import Customer

from records_dms.accounts.models import Clearance, Grant
from records_dms.accounts.signals import acting_as, refuse_own_change
from records_dms.audit import events
from records_dms.audit.services import audit_log


def grant_create(*, user: Any, customer: Customer, actor: Any) -> Grant:
    """Give a staff member access to one customer's dossier."""
    refuse_own_change(user, actor)
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
            data={"user": user.get_username(), "before": None, "after": customer.code},
        )
    return grant


def grant_revoke(*, grant: Grant, actor: Any) -> None:
    refuse_own_change(grant.user, actor)
    with transaction.atomic():
        audit_log(
            action=events.GRANT_REVOKED,
            actor=actor,
            obj=grant,
            customer_code=grant.customer.code,
            data={"user": grant.user.get_username(), "before": grant.customer.code, "after": None},
        )
        grant.delete()


def clearance_set(*, user: Any, level: str, actor: Any) -> Clearance:
    """Set the highest level ``user`` may read (another user than ``actor``)."""
    refuse_own_change(user, actor)
    with transaction.atomic():
        before = Clearance.objects.filter(user=user).values_list("level", flat=True).first()
        clearance, _created = Clearance.objects.update_or_create(
            user=user, defaults={"level": level}
        )
        audit_log(
            action=events.CLEARANCE_SET,
            actor=actor,
            obj=clearance,
            data={"user": user.get_username(), "level": level, "before": before, "after": level},
        )
    return clearance


def user_roles_set(*, user: Any, roles: list[str], actor: Any) -> None:
    """Make ``user`` a member of exactly the role groups named (another user than ``actor``);
    the change is audited by the membership receiver (accounts.signals)."""
    from django.contrib.auth.models import Group

    refuse_own_change(user, actor)
    groups = list(Group.objects.filter(name__in=roles))
    with transaction.atomic(), acting_as(actor):
        user.groups.set(groups)
