"""Permissions, Mayan-style: each app declares its own in its ``permissions.py`` with the roles
that hold them; this registry gathers them, and the one policy (accounts/policy.py) asks it.
It lies in common/ so that every layer, the audit trail at the bottom included, can declare.

A ``Permission`` is a ``str`` (its name), so it compares and stores as plain text, and it knows
its translated label and the roles it is granted to. Apps import their permissions module from
their ``AppConfig.ready``, so the registry is whole before the first request or command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_REGISTRY: dict[str, Permission] = {}


class Permission(str):
    """One thing a role may do."""

    label: Any
    roles: frozenset[str]

    def __new__(cls, name: str, label: Any, roles: Iterable[str]) -> Permission:
        made = super().__new__(cls, name)
        made.label = label
        made.roles = frozenset(roles)
        return made


def permission(name: str, label: Any, *, roles: Iterable[str]) -> Permission:
    """Declare (once) a permission and the roles granted it."""
    declared = Permission(name, label, roles)
    known = _REGISTRY.setdefault(name, declared)
    if known.roles != declared.roles:
        raise ValueError(f"permission {name!r} declared twice with different roles")
    return known


def registered() -> dict[str, Permission]:
    return dict(_REGISTRY)


def role_permissions(role: str) -> frozenset[Permission]:
    """Every permission a role holds, gathered from all apps."""
    return frozenset(p for p in _REGISTRY.values() if role in p.roles)
