"""Typed readers of ``DMS_*`` environment variables, each declared once.

A group of settings is a frozen dataclass whose fields are declared with :func:`var`: the
variable's name, its default and what it means. :func:`load` reads the environment into one
instance, converting by the field's annotation (``str``, ``int``, ``float``, ``bool``,
``tuple[str, ...]`` for comma-separated lists, ``Path``, ``Literal[...]`` for a choice, any of
them ``| None``) and refusing a bad value with an ``ImproperlyConfigured`` that names the
variable and the value. :func:`markdown` renders the declarations as README's configuration
tables (checked by tests/test_configuration.py; ``python -m records_dms.settings`` prints
them).
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Variable:
    """One ``DMS_*`` environment variable: where it lands, its default and what it means."""

    name: str
    meaning: str
    shown: str | None  # the default as README says it, when not the value itself
    minimum: float | None
    group: str = ""
    field: str = ""
    default: object = None

    @property
    def documented_default(self) -> str:
        if self.shown is not None:
            return self.shown
        return f"`{_render(self.default)}`"


def var(
    name: str,
    default: Any,
    meaning: str,
    *,
    shown: str | None = None,
    minimum: float | None = None,
) -> Any:
    """Declare a field read from the environment variable ``name``."""
    spec = Variable(name=name, meaning=meaning, shown=shown, minimum=minimum)
    return dataclasses.field(default=default, metadata={"env": spec})


def variables(group: type[Any], attribute: str = "") -> Iterator[Variable]:
    """The variables a settings group declares, with their fields and defaults filled in."""
    for field in dataclasses.fields(group):
        spec = field.metadata.get("env")
        if spec is not None:
            yield dataclasses.replace(
                spec, group=attribute, field=field.name, default=field.default
            )


def field_for(group: type[Any], name: str) -> str:
    """The field of ``group`` that the variable ``name`` sets."""
    for variable in variables(group):
        if variable.name == name:
            return variable.field
    raise KeyError(name)


def load(group: type[T], environ: Mapping[str, str] = os.environ) -> T:
    """One ``group`` read from ``environ``; an unset or empty variable keeps its default."""
    hints = typing.get_type_hints(group)
    values: dict[str, Any] = {}
    for variable in variables(group):
        raw = environ.get(variable.name, "").strip()
        if raw:
            value = parse(variable.name, raw, hints[variable.field])
            if variable.minimum is not None and value < variable.minimum:
                raise ImproperlyConfigured(
                    f"{variable.name} must be at least {_render(variable.minimum)}, got {raw!r}"
                )
            values[variable.field] = value
    return group(**values)


def parse(name: str, raw: str, annotation: Any) -> Any:
    """``raw`` converted to ``annotation``, or ImproperlyConfigured naming ``name`` and ``raw``."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in arguments if a is not type(None)]
        return parse(name, raw, inner)
    if origin is Literal:
        for choice in arguments:
            if raw.lower() == str(choice).lower():
                return choice
        choices = ", ".join(str(choice) for choice in arguments)
        raise ImproperlyConfigured(f"{name} must be one of {choices}, got {raw!r}")
    if origin is tuple:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if annotation is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false, yes/no), got {raw!r}")
    if annotation is int:
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if annotation is float:
        try:
            return float(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if annotation is Path:
        return Path(raw).expanduser()
    if annotation is str:
        return raw
    raise TypeError(f"{name}: no reader for {annotation!r}")


def _render(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def markdown(groups: Mapping[str, tuple[str, type[Any]]]) -> str:
    """README's configuration tables: per settings attribute, (title, group class)."""
    blocks = []
    for attribute, (title, group) in groups.items():
        rows = [
            f"**{title}** (`settings.{attribute}`)",
            "",
            "| variable | default | meaning |",
            "|---|---|---|",
        ]
        for variable in variables(group, attribute):
            rows.append(
                f"| `{variable.name}` | {variable.documented_default} | {variable.meaning} |"
            )
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"
