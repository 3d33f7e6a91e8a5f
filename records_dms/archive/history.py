"""A record's metadata history as people read it: field labels and value labels, not codes.

A revision stores ``{field: [before, after]}`` with raw values (``type: other →
complaint_handling``); this turns each change into the field's verbose name and the values'
labels (choices, languages, linked volumes and complaints), in the screen's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from records_dms.archive.models import LANGUAGE_LABELS, Record, RecordRevision
from records_dms.common.people import display_name


@dataclass(frozen=True)
class HistoryRow:
    revision: RecordRevision
    who: str
    field: str
    before: str
    after: str


def field_label(model: type[models.Model], name: str) -> str:
    """A field's verbose name (its name if the model no longer has it)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def value_label(model: type[models.Model], name: str, value: Any) -> str:
    """A stored value as the screen shows it ("" for none)."""
    if value in (None, ""):
        return ""
    if name == "language":
        return str(LANGUAGE_LABELS.get(value, value))
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, models.Field) and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    return str(value)


def record_history(revisions: Iterable[RecordRevision]) -> list[HistoryRow]:
    """One row per changed field, newest revision first."""
    return [
        HistoryRow(
            revision=revision,
            who=display_name(revision.changed_by) or "—",
            field=field_label(Record, field),
            before=value_label(Record, field, values[0]),
            after=value_label(Record, field, values[1]),
        )
        for revision in revisions
        for field, values in revision.changes.items()
    ]
