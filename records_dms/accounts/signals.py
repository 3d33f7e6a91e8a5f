"""Role changes are audited wherever they happen, and nobody changes its own roles.

Membership of the role groups is changed by the Wagtail user screens, the services, the demo,
a Django shell: every path goes through ``User.groups``, so an ``m2m_changed`` receiver sees
them all. It writes one ``roles.changed`` event (who, whom, before, after) in the hash-chained
trail, in the same transaction as the change, and refuses a change of the acting user's own
roles (another administrator must make it). The acting user is the signed-in user of the web
request (``ActingUserMiddleware``) or the one a service names (``acting_as``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext as _

from records_dms.audit import events
from records_dms.audit.services import audit_log

_acting: ContextVar[Any] = ContextVar("accounts_acting_user", default=None)
_before: ContextVar[dict[int, list[str]] | None] = ContextVar("accounts_roles_before", default=None)
_loading: ContextVar[bool] = ContextVar("accounts_roles_loading", default=False)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Role changes inside this block are made by ``user`` (audited as such, self refused)."""
    token = _acting.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _acting.reset(token)


@contextmanager
def roles_loading() -> Iterator[None]:
    """Memberships written by a restore are the backup's own, already in its chain: not new
    role changes."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def acting_user() -> Any:
    return _acting.get()


def refuse_own_change(user: Any, actor: Any) -> None:
    """Nobody changes its own roles, clearance or grants: another administrator must."""
    if actor is not None and actor.is_authenticated and actor.pk == user.pk:
        raise PermissionDenied(
            _("You cannot change your own roles, clearance or grants; another administrator must.")
        )


class ActingUserMiddleware:
    """The signed-in user of each request is the actor of the role changes it makes."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with acting_as(getattr(request, "user", None)):
            return self.get_response(request)


def _roles(user_id: int) -> list[str]:
    user_model = get_user_model()
    return sorted(
        user_model.groups.through.objects.filter(user_id=user_id).values_list(
            "group__name", flat=True
        )
    )


def _users_touched(instance: Any, reverse: bool, pk_set: set[int] | None) -> list[int]:
    if not reverse:  # user.groups.add(...): the user is the instance
        return [instance.pk]
    if pk_set is None:  # group.user_set.clear()
        return list(instance.user_set.values_list("pk", flat=True))
    return sorted(pk_set)


def roles_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if _loading.get():
        return
    if action.startswith("pre_"):
        users = _users_touched(instance, reverse, pk_set)
        actor = _acting.get()
        for user_id in users:
            if actor is not None and actor.pk == user_id:
                refuse_own_change(actor, actor)
        _before.set({user_id: _roles(user_id) for user_id in users})
        return
    before = _before.get() or {}
    _before.set(None)
    user_model = get_user_model()
    actor = _acting.get()
    for user_id, roles_before in before.items():
        roles_after = _roles(user_id)
        if roles_after == roles_before:
            continue
        whom = user_model.objects.filter(pk=user_id).first()
        audit_log(
            action=events.ROLES_CHANGED,
            actor=actor,
            obj=whom,
            data={
                "user": whom.get_username() if whom is not None else str(user_id),
                "before": roles_before,
                "after": roles_after,
            },
        )


def connect() -> None:
    m2m_changed.connect(
        roles_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="accounts.roles_changed",
    )
