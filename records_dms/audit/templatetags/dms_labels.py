"""Labels instead of codes in templates: ``{% load dms_labels %}``.

``{{ event.action|event_label }}`` shows an audit event's translated label,
``{{ user|display_name }}`` a person's name as people write it, ``{{ event|event_actor }}``
who made an event (a person or the system), and
``{{ event|event_detail }}`` what an event was about when that is not an object (a search's
words).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from records_dms.common.events import event_label as _event_label
from records_dms.common.people import display_name as _display_name

register = template.Library()


@register.filter
def event_label(name: str) -> str:
    return _event_label(str(name))


@register.filter
def display_name(user: Any) -> str:
    return _display_name(user)


@register.filter
def event_actor(event: Any) -> str:
    """Who made an event: the person's name, or the system (a task, a migration) in words."""
    if getattr(event, "actor", None) is not None:
        return _display_name(event.actor)
    name = str(getattr(event, "actor_name", "") or "")
    return gettext("system") if name in ("", "system") else name


@register.filter
def event_detail(event: Any) -> str:
    """The object an event concerns, or the words searched for a search."""
    data = getattr(event, "data", None) or {}
    if query := data.get("query"):
        return f"“{query}”"
    return str(getattr(event, "object_repr", "") or "")
