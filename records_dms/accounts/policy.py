"""The one permission policy: views, API, CLI and search all ask it.

A user's rights are the union of their roles' actions. Staff see only customers they own or
are granted; every role reads records only up to its clearance; a sealed dossier is closed to
all but compliance officers and auditors (Action.VIEW_SEALED).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from records_dms.archive.models import Customer, Record

from .models import Clearance
from .roles import ARCHIVE_WIDE_ROLES, ROLE_ACTIONS, Action, Confidentiality, levels_up_to

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class SearchScope:
    """What a search may return for one user: None customers means every customer."""

    customer_ids: frozenset[int] | None
    levels: frozenset[str]


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

    def customers(self, user: AnyUser) -> QuerySet[Customer]:
        """Customers whose dossier the user may open."""
        actions, archive_wide, _levels = self._facts(user)
        if Action.VIEW_CUSTOMER not in actions:
            return Customer.objects.none()
        queryset = Customer.objects.all()
        if not archive_wide:
            queryset = queryset.filter(Q(owner_id=user.pk) | Q(grants__user_id=user.pk))
        if Action.VIEW_SEALED not in actions:
            queryset = queryset.filter(sealed=False)
        return queryset.distinct()

    def records(self, user: AnyUser) -> QuerySet[Record]:
        """Records the user may see, trimmed by customer, clearance and seal."""
        actions, _archive_wide, levels = self._facts(user)
        if Action.VIEW_RECORD not in actions:
            return Record.objects.none()
        return Record.objects.filter(customer__in=self.customers(user), confidentiality__in=levels)

    def can_see_customer(self, user: AnyUser, customer: Customer) -> bool:
        return self.customers(user).filter(pk=customer.pk).exists()

    def search_scope(self, user: AnyUser) -> SearchScope:
        actions, archive_wide, levels = self._facts(user)
        if Action.VIEW_RECORD not in actions:
            return SearchScope(customer_ids=frozenset(), levels=frozenset())
        if archive_wide and Action.VIEW_SEALED in actions:
            return SearchScope(customer_ids=None, levels=levels)
        ids = frozenset(self.customers(user).values_list("pk", flat=True))
        return SearchScope(customer_ids=ids, levels=levels)

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
