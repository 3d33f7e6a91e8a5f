"""The four-property check: clerks and compliance officers run it and read its results,
auditors read them; staff neither."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import AUDITOR, CLERK, COMPLIANCE
from records_dms.common.permissions import permission

RUN_INSPECTION = permission(
    "run_inspection", _("Run the four-property check"), roles=(CLERK, COMPLIANCE)
)
VIEW_INSPECTION = permission(
    "view_inspection",
    _("Read the four-property check's results"),
    roles=(CLERK, COMPLIANCE, AUDITOR),
)
