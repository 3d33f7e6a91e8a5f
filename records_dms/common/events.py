"""Audit events, Mayan-style: each app names its events in its ``events.py`` with
``event("name", _("label"))``; this registry gathers the labels so that every screen (the audit
trail, the to-do panels, exports) shows a clerk "查看文件", never ``record.viewed``.

The name stays a plain ``str`` (it is what the audit trail stores and hashes); only the label is
registered. It lies in common/ so that every layer, the audit trail at the bottom included, can
declare. Apps import their events module from their ``AppConfig.ready``.
"""

from __future__ import annotations

from typing import Any

_LABELS: dict[str, Any] = {}


def event(name: str, label: Any) -> str:
    """Declare (once) an audit event and its translatable label; returns the name."""
    known = _LABELS.setdefault(name, label)
    if str(known) != str(label):
        raise ValueError(f"event {name!r} declared twice with different labels")
    return name


def event_label(name: str) -> str:
    """The translated label of an event (its name if nobody declared it)."""
    label = _LABELS.get(name)
    return str(label) if label is not None else name


def registered_events() -> dict[str, Any]:
    """Every declared event name with its (lazy) label."""
    return dict(_LABELS)
