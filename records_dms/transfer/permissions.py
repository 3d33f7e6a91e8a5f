"""Who may hand records over (移交) and take them in."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import AUDITOR, CLERK, COMPLIANCE
from records_dms.common.permissions import permission

EXPORT_TRANSFER = permission(
    "export_transfer", _("Export transfer packages"), roles=(CLERK, COMPLIANCE)
)
IMPORT_TRANSFER = permission(
    "import_transfer", _("Receive transfer packages"), roles=(CLERK, COMPLIANCE)
)
# Read the transfer register (auditors read every register).
VIEW_TRANSFERS = permission(
    "view_transfers", _("See the transfer register"), roles=(CLERK, COMPLIANCE, AUDITOR)
)
