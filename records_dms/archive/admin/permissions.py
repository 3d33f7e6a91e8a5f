"""Wagtail's permission-policy interface, answered by the one archive policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from records_dms.accounts.policy import policy
from records_dms.archive.permissions import ADD_CUSTOMER, CHANGE_CUSTOMER, VIEW_CUSTOMER
from records_dms.archive.selectors import customer_visible, visible_customers

CUSTOMER_ACTIONS = {
    "view": VIEW_CUSTOMER,
    "add": ADD_CUSTOMER,
    "change": CHANGE_CUSTOMER,
}


class CustomerPermissionPolicy(BasePermissionPolicy):
    """Customers: nobody deletes one (a dossier is never removed from the archive)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        mapped = CUSTOMER_ACTIONS.get(action)
        return mapped is not None and policy.has(user, mapped)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action) and customer_visible(
            user=user, customer=instance
        )

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return visible_customers(user=user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        wanted = [CUSTOMER_ACTIONS[a] for a in actions if a in CUSTOMER_ACTIONS]
        roles = sorted({role for permission in wanted for role in permission.roles})
        return get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct()
