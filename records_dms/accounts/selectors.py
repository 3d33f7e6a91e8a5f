"""Reads of accounts: who may see what beyond their roles (clearances, grants, owned customers),
for the access screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from records_dms.accounts.models import Clearance, Grant
from records_dms.accounts.roles import STAFF, Confidentiality


@dataclass
class AccessRow:
    """One user's access: roles, clearance and grants."""

    user: Any
    roles: list[str]
    clearance: str
    grants: list[Grant] = field(default_factory=list)


def access_rows() -> list[AccessRow]:
    """Every active user with roles, clearance and grants, by user name."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .prefetch_related("groups")
        .order_by("username")
    )
    levels = dict(Clearance.objects.values_list("user_id", "level"))
    grants: dict[int, list[Grant]] = {}
    for grant in Grant.objects.select_related("customer").order_by("customer__code"):
        grants.setdefault(grant.user_id, []).append(grant)
    return [
        AccessRow(
            user=user,
            roles=sorted(group.name for group in user.groups.all()),
            clearance=levels.get(user.pk, Confidentiality.INTERNAL),
            grants=grants.get(user.pk, []),
        )
        for user in users
    ]


def grantable_users() -> QuerySet[Any]:
    """Active staff members: the users a grant or an ownership gives customers to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=STAFF)
        .distinct()
        .order_by("username")
    )


def customer_grants(customer: Any) -> QuerySet[Grant]:
    return Grant.objects.filter(customer=customer).select_related("user", "granted_by")
