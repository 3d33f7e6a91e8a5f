"""The yearly summary of the archive (the seeds ask for one at each year's end).

A registry of sections, like the dashboard panels: the archive's own (customers, records by
type, complaints) are registered in ``builtin_summary``; loans and destructions are reserved
here and show as "not recorded" until lending and retention register theirs under the same
key from their ``AppConfig.ready``::

    from records_dms.reports.summary import SummarySection, summary_section_register

    summary_section_register(SummarySection(
        key="loans", title=_("Loans"), order=40,
        compute=lambda user, year: [(_("Checked out"), n_out), (_("Returned"), n_back)],
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.policy import AnyUser
from records_dms.reports.panels import Text

Lines = Sequence[tuple[Text, int | float | str]]


@dataclass(frozen=True)
class SummarySection:
    key: str
    title: Text
    # (user, year) -> lines of (label, value); None means "not recorded by this installation".
    compute: Callable[[AnyUser, int], Lines | None]
    order: int = 100


@dataclass(frozen=True)
class SummaryResult:
    key: str
    title: Text
    lines: Lines | None


def _not_recorded(user: AnyUser, year: int) -> None:
    return None


_sections: dict[str, SummarySection] = {
    "loans": SummarySection("loans", _("Loans"), _not_recorded, order=40),
    "destructions": SummarySection("destructions", _("Destructions"), _not_recorded, order=50),
}


def summary_section_register(section: SummarySection) -> SummarySection:
    """Add a section or replace the one with the same key (e.g. the reserved loans)."""
    _sections[section.key] = section
    return section


def yearly_summary(user: AnyUser, year: int) -> list[SummaryResult]:
    return [
        SummaryResult(section.key, section.title, section.compute(user, year))
        for section in sorted(_sections.values(), key=lambda s: (s.order, s.key))
    ]
