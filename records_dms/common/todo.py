"""The to-do (待办事项) items and their registry: what a user must act on today.

Each app answers for its own part with a ``todo(user=)`` selector (lending, retention,
ingestion, fixity, reports) and registers it here from its ``AppConfig.ready``; the home's
to-do panel (records_dms/reports/todo.py) asks ``todo_for``. It lies in common/ so that every
app can register without importing another. A selector returns the items its user's
permissions give, each with its count, the list behind it and a few lines, each line one click
from its action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

LINES = 5  # lines shown under an item; the count and its link lead to the rest


@dataclass(frozen=True)
class TodoLine:
    """One thing to act on (a loan, a request, a record), linking to where one acts on it."""

    text: Any
    url: str
    warn: bool = False


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: Any
    count: int
    url: str
    lines: Sequence[TodoLine] = field(default_factory=tuple)
    warn: bool = False  # overdue, failed: highlighted when there are any


TodoSelector = Callable[..., list[TodoItem]]
_selectors: dict[str, tuple[int, TodoSelector]] = {}


def todo_register(key: str, selector: TodoSelector, order: int = 100) -> None:
    """Add an app's ``todo(user=)`` selector (replacing one registered under the same key)."""
    _selectors[key] = (order, selector)


def todo_for(user: Any) -> list[TodoItem]:
    """Every to-do item of the user, in the registered order."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TodoItem] = []
    for _order, selector in sorted(_selectors.values(), key=lambda entry: entry[0]):
        items.extend(selector(user=user))
    return items
