"""Who may do what in retention."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import ADMINISTRATOR, AUDITOR, CLERK, COMPLIANCE
from records_dms.common.permissions import permission

# Seal and unseal dossiers, register and answer deletion requests.
SEAL = permission("seal", _("Seal dossiers"), roles=(COMPLIANCE,))
# Due dates, holds, destruction requests, certificates.
VIEW_RETENTION = permission(
    "view_retention", _("See retention"), roles=(CLERK, AUDITOR, COMPLIANCE)
)
# Extend, keep permanently, transfer, propose destruction.
REVIEW_RETENTION = permission("review_retention", _("Review records due"), roles=(CLERK,))
APPROVE_DESTRUCTION = permission(
    "approve_destruction", _("Approve destruction"), roles=(COMPLIANCE,)
)
EXECUTE_DESTRUCTION = permission(
    "execute_destruction", _("Execute destruction"), roles=(CLERK, COMPLIANCE)
)
MANAGE_HOLDS = permission("manage_holds", _("Place and lift legal holds"), roles=(COMPLIANCE,))
MANAGE_SCHEDULES = permission(
    "manage_schedules", _("Edit retention schedules"), roles=(ADMINISTRATOR,)
)
