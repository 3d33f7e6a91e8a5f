"""The one permission policy: services, views, API, CLI and search all ask it.

A user's rights are the union of their roles' actions. Staff see only customers they own or
are granted; every role reads records only up to its clearance; a sealed dossier is closed to
all but compliance officers and auditors (Action.VIEW_SEALED).

The policy knows users, roles, clearances and grants, not the archive's tables: it says which
customers a user may open as a filter on the customer's fields (``customer_filter``), and the
archive's selectors (records_dms/archive/selectors.py: ``visible_customers``,
``visible_records``) apply it. So accounts imports nothing of the archive.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from records_dms.accounts.models import Clearance
from records_dms.accounts.roles import (
    ARCHIVE_WIDE_ROLES,
    ROLE_ACTIONS,
    Action,
    Confidentiality,
    levels_up_to,
)

AnyUser = User | AnonymousUser


class ArchivePolicy:
    cache_name = "_archive_policy_cache"

    def _facts(self, user: AnyUser) -> tuple[frozenset[Action], bool, frozenset[str]]:
        """(actions, archive-wide?, readable levels), cached on the user object."""
        cached: tuple[frozenset[Action], bool, frozenset[str]] | None = getattr(
            user, self.cache_name, None
        )
        if cached is not None:
            return cached
        if not user.is_authenticated or not user.is_active:
            facts: tuple[frozenset[Action], bool, frozenset[str]] = (
                frozenset(),
                False,
                frozenset(),
            )
        else:
            roles = set(user.groups.values_list("name", flat=True))
            actions = frozenset(a for role in roles for a in ROLE_ACTIONS.get(role, ()))
            level = (
                Clearance.objects.filter(user_id=user.pk).values_list("level", flat=True).first()
                or Confidentiality.INTERNAL
            )
            facts = (actions, bool(roles & ARCHIVE_WIDE_ROLES), levels_up_to(level))
        setattr(user, self.cache_name, facts)
        return facts

    def has(self, user: AnyUser, action: Action) -> bool:
        return action in self._facts(user)[0]

    def customer_filter(self, user: AnyUser) -> Q | None:
        """A filter on Customer for the dossiers the user may open; None: not one."""
        actions, archive_wide, _levels = self._facts(user)
        if Action.VIEW_CUSTOMER not in actions:
            return None
        condition = Q()
        if not archive_wide:
            condition &= Q(owner_id=user.pk) | Q(grants__user_id=user.pk)
        if Action.VIEW_SEALED not in actions:
            condition &= Q(sealed=False)
        return condition

    def levels(self, user: AnyUser) -> frozenset[str]:
        """The confidentiality levels the user may read (empty without VIEW_RECORD)."""
        actions, _archive_wide, levels = self._facts(user)
        return levels if Action.VIEW_RECORD in actions else frozenset()

    def sees_every_customer(self, user: AnyUser) -> bool:
        """Archive-wide roles that also see sealed dossiers: no customer filter at all."""
        actions, archive_wide, _levels = self._facts(user)
        return archive_wide and Action.VIEW_SEALED in actions

    def may_approve_loan(self, user: AnyUser, level: str) -> bool:
        """Clerks approve loans of internal records; compliance officers any level."""
        needed = (
            Action.APPROVE_LOAN
            if level == Confidentiality.INTERNAL
            else Action.APPROVE_CLASSIFIED_LOAN
        )
        return self.has(user, needed)

    def forget(self, user: Any) -> None:
        """Drop the cached facts, e.g. after the user's groups changed."""
        if hasattr(user, self.cache_name):
            delattr(user, self.cache_name)


policy = ArchivePolicy()
