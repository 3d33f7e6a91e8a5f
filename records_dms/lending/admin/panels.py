"""Lending's dashboard panels and yearly summary section, registered from AppConfig.ready.

Figures come from ``loans_visible`` (the selector of the loan list) and need LEND, the action
of the clerk's desk (checkout and return).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from records_dms.accounts import roles
from records_dms.accounts.policy import AnyUser, policy
from records_dms.lending.models import OUT_STATES, LoanState
from records_dms.lending.permissions import LEND, VIEW_REGISTER
from records_dms.lending.selectors import loans_visible
from records_dms.reports.panels import Count, Panel, PanelData, panel_register
from records_dms.reports.summary import Lines, SummarySection, summary_section_register


def _loans_url(state: str) -> str:
    return f"{reverse('lending:loans')}?state={state}"


def overdue(user: AnyUser) -> PanelData:
    if not policy.has(user, LEND):
        return PanelData()
    n = loans_visible(user).filter(state=LoanState.OVERDUE).count()
    url = _loans_url(LoanState.OVERDUE)
    return PanelData(counts=[Count(_("Overdue loans"), n, url, warn=n > 0)])


def waiting(user: AnyUser) -> PanelData:
    if not policy.has(user, LEND):
        return PanelData()
    loans = loans_visible(user)
    to_check_out = loans.filter(state=LoanState.APPROVED).count()
    to_return = loans.filter(state__in=OUT_STATES).count()
    return PanelData(
        counts=[
            Count(
                _("Approved, waiting for checkout"),
                to_check_out,
                _loans_url(LoanState.APPROVED),
            ),
            Count(_("Out, waiting for return"), to_return, _loans_url(LoanState.CHECKED_OUT)),
        ],
        link=(_("Loans"), reverse("lending:loans")),
    )


def summary_loans(user: AnyUser, year: int) -> Lines:
    if not (policy.has(user, LEND) or policy.has(user, VIEW_REGISTER)):
        return []
    loans = loans_visible(user)
    return [
        (_("Loans requested"), loans.filter(requested_at__year=year).count()),
        (_("Checked out"), loans.filter(checked_out_at__year=year).count()),
        (_("Returned"), loans.filter(returned_at__year=year).count()),
        (_("Overdue now"), loans.filter(state=LoanState.OVERDUE).count()),
    ]


def register() -> None:
    clerk = frozenset({roles.CLERK})
    panel_register(
        Panel(
            "lending_overdue",
            gettext_lazy("Overdue loans"),
            clerk,
            overdue,
            action=LEND,
            order=35,
        )
    )
    panel_register(
        Panel(
            "lending_waiting",
            gettext_lazy("Waiting for checkout or return"),
            clerk,
            waiting,
            action=LEND,
            order=36,
        )
    )
    summary_section_register(
        SummarySection("loans", pgettext_lazy("yearly summary", "Loans"), summary_loans, order=40)
    )
