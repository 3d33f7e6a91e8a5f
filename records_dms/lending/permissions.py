"""Lending (借阅): staff ask, clerks approve internal records and hand items over, compliance
officers approve confidential and secret ones."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import AUDITOR, CLERK, COMPLIANCE, STAFF, Confidentiality
from records_dms.common.permissions import permission

REQUEST_LOAN = permission(
    "request_loan", _("Ask to borrow records"), roles=(CLERK, AUDITOR, COMPLIANCE, STAFF)
)
APPROVE_LOAN = permission("approve_loan", _("Approve loans"), roles=(CLERK, COMPLIANCE))
APPROVE_CLASSIFIED_LOAN = permission(
    "approve_classified_loan", _("Approve loans of classified records"), roles=(COMPLIANCE,)
)
LEND = permission("lend", _("Hand items over and take them back"), roles=(CLERK,))
VIEW_REGISTER = permission(
    "view_register", _("Read the checkout register"), roles=(CLERK, AUDITOR, COMPLIANCE)
)


def may_see_signatures(user: Any) -> bool:
    """Hand signatures are shown to those who keep or read the register."""
    return policy.has(user, VIEW_REGISTER) or policy.has(user, LEND)


def may_approve_loan(user: Any, level: str) -> bool:
    """Clerks approve loans of internal records; compliance officers any level."""
    needed = APPROVE_LOAN if level == Confidentiality.INTERNAL else APPROVE_CLASSIFIED_LOAN
    return policy.has(user, needed)
