"""The one permission policy: services, views, API, CLI and search all ask it.

A user's rights are the union of their roles' permissions, which every app declares in its own
``permissions.py`` (gathered in accounts/permissions.py). Every role reads records only up to
its clearance. Services check with ``policy.require`` and raise ``PermissionDenied``; screens,
API and CLI translate that into their own answers.

The policy knows users, roles, clearances and grants, not the archive's tables: what they mean
for customers and records (grants, seals, levels) is applied in one place,
records_dms/archive/selectors.py. So accounts imports nothing of the archive.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from records_dms.accounts.models import Clearance
from records_dms.accounts.roles import ARCHIVE_WIDE_ROLES, Confidentiality, levels_up_to
from records_dms.common.permissions import Permission, role_permissions

AnyUser = User | AnonymousUser
Facts = tuple[frozenset[str], bool, frozenset[str]]


class ArchivePolicy:
    cache_name = "_archive_policy_cache"

    def _facts(self, user: AnyUser) -> Facts:
        """(permissions, archive-wide?, levels up to the clearance), cached on the user."""
        cached: Facts | None = getattr(user, self.cache_name, None)
        if cached is not None:
            return cached
        if not user.is_authenticated or not user.is_active:
            facts: Facts = (frozenset(), False, frozenset())
        else:
            roles = set(user.groups.values_list("name", flat=True))
            granted = frozenset(str(p) for role in roles for p in role_permissions(role))
            level = (
                Clearance.objects.filter(user_id=user.pk).values_list("level", flat=True).first()
                or Confidentiality.INTERNAL
            )
            facts = (granted, bool(roles & ARCHIVE_WIDE_ROLES), levels_up_to(level))
        setattr(user, self.cache_name, facts)
        return facts

    def has(self, user: AnyUser, permission: Permission) -> bool:
        return permission in self._facts(user)[0]

    def require(self, actor: Any, permission: Permission) -> User:
        """The acting user if it holds ``permission``; PermissionDenied otherwise."""
        if not isinstance(actor, User) or not self.has(actor, permission):
            raise PermissionDenied(_("You may not do this."))
        return actor

    def archive_wide(self, user: AnyUser) -> bool:
        """Roles that work across the whole archive; staff see owned or granted customers."""
        return self._facts(user)[1]

    def clearance(self, user: AnyUser) -> frozenset[str]:
        """The confidentiality levels up to the user's clearance."""
        return self._facts(user)[2]

    def forget(self, user: Any) -> None:
        """Drop the cached facts, e.g. after the user's groups changed."""
        if hasattr(user, self.cache_name):
            delattr(user, self.cache_name)


policy = ArchivePolicy()
