"""The role dashboards on the Wagtail admin home: a small registry of panels.

A panel is a title, the roles whose dashboard shows it (and an action the user must hold),
a function computing its data for one user, and a template. The panels whose data lives in
the archive and ingestion are registered in ``builtin_panels``. Other parts register their
own from their ``AppConfig.ready`` without this app importing them, e.g. retention::

    from records_dms.accounts import roles
        from records_dms.reports.panels import Count, Panel, PanelData, panel_register

    def _due(user):
        n = due_records(user).count()
        return PanelData(counts=[Count(_("Records due for review"), n, reverse("retention:due"))])

    panel_register(Panel(
        key="retention_due", title=_("Records due for review"), roles={roles.CLERK},
        action=VIEW_RETENTION, compute=_due, order=30,
    ))

Slots the lead wires after merging (keys reserved, listed in ``PLANNED``): clerk —
``retention_due``, ``lending_overdue``, ``lending_waiting``; compliance —
``retention_destruction_waiting``, ``retention_holds``, ``retention_destructions_per_month``,
``retention_certificates``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from wagtail.admin.ui.components import Component

from records_dms.accounts.policy import AnyUser, policy
from records_dms.common.permissions import Permission

Text = str | Promise


@dataclass(frozen=True)
class Count:
    """One figure of a panel, optionally linking to the list behind it."""

    label: Text
    value: int | float | str | None
    url: str = ""
    warn: bool = False  # shown highlighted (failures, overdue, below target)


@dataclass(frozen=True)
class Table:
    headers: Sequence[Text]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class PanelData:
    """What a panel shows: figures, a chart (SVG markup), the chart's data as a table, a link."""

    counts: Sequence[Count] = ()
    chart: SafeString | str = ""
    table: Table | None = None
    link: tuple[Text, str] | None = None
    note: Text = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: Text
    roles: frozenset[str]
    compute: Callable[[AnyUser], PanelData]
    action: Permission | None = None
    order: int = 100
    template: str = "reports/panels/panel.html"

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))

    def shown_to(self, user: AnyUser, user_roles: Iterable[str]) -> bool:
        if not self.roles & set(user_roles):
            return False
        return self.action is None or policy.has(user, self.action)


# Keys other parts are expected to register (for the README and the lead's wiring).
PLANNED: Mapping[str, str] = {
    "retention_due": "clerk: records due for review (retention)",
    "lending_overdue": "clerk: overdue loans (lending)",
    "lending_waiting": "clerk: items waiting for checkout or return (lending)",
    "retention_destruction_waiting": "compliance: destruction requests waiting (retention)",
    "retention_holds": "compliance: active legal holds (retention)",
    "retention_destructions_per_month": "compliance: destructions per month (retention)",
    "retention_certificates": "compliance: certificates of destruction (retention)",
}

_panels: dict[str, Panel] = {}


def panel_register(panel: Panel) -> Panel:
    """Add a panel (or replace the one with the same key); call it from AppConfig.ready."""
    _panels[panel.key] = panel
    return panel


def panel_unregister(key: str) -> None:
    _panels.pop(key, None)


def registered_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def panels_for(user: AnyUser) -> list[Panel]:
    """The panels of every dashboard the user's roles have, in order."""
    if not user.is_authenticated:
        return []
    user_roles = set(user.groups.values_list("name", flat=True))
    return [panel for panel in registered_panels() if panel.shown_to(user, user_roles)]


_year: ContextVar[int | None] = ContextVar("dashboard_year", default=None)


def dashboard_year() -> int:
    """The year the dashboard shows (picked on the home page), else this year."""
    return _year.get() or timezone.localdate().year


@contextmanager
def showing_year(year: int | None) -> Iterator[None]:
    """Panels computed inside this block show ``year``."""
    token = _year.set(year)
    try:
        yield
    finally:
        _year.reset(token)


def picked_year(request: Any) -> int | None:
    """The ``?year=`` of the home page when it is a plausible year; None otherwise."""
    value = str(getattr(request, "GET", {}).get("year", ""))
    return int(value) if value.isdigit() and 1900 <= int(value) <= 9999 else None


class DashboardPanel(Component):
    """A registered panel as a Wagtail homepage component."""

    def __init__(self, panel: Panel) -> None:
        self.panel = panel
        self.template_name = panel.template
        self.order = panel.order

    def get_context_data(self, parent_context: Mapping[str, Any] | None) -> Mapping[str, Any]:
        request = (parent_context or {})["request"]
        with showing_year(picked_year(request)):
            data = self.panel.compute(request.user)
        return {"panel": self.panel, "data": data, "request": request}


class YearPicker(Component):
    """The dashboards' year picker: the years the user's records are dated in."""

    template_name = "reports/panels/year_picker.html"
    order = 0

    def get_context_data(self, parent_context: Mapping[str, Any] | None) -> Mapping[str, Any]:
        from records_dms.reports.selectors import record_years

        request = (parent_context or {})["request"]
        return {
            "year": picked_year(request) or dashboard_year(),
            "years": record_years(request.user),
        }


def homepage_panels(request: Any, panels: list[Any]) -> None:
    """The ``construct_homepage_panels`` hook: the user's role panels ahead of Wagtail's."""
    shown = [DashboardPanel(panel) for panel in panels_for(request.user)]
    if shown:
        panels.append(YearPicker())
    panels.extend(shown)


__all__ = [
    "PLANNED",
    "Count",
    "DashboardPanel",
    "Panel",
    "PanelData",
    "Table",
    "YearPicker",
    "dashboard_year",
    "panel_register",
    "panel_unregister",
    "panels_for",
    "registered_panels",
]
