"""What accounts' own roles may do (the registry of every app's permissions is in
records_dms/common/permissions.py)."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import ADMINISTRATOR, CLERK
from records_dms.common.permissions import permission

MANAGE_GRANTS = permission(
    "manage_grants", _("Give staff access to customers"), roles=(CLERK, ADMINISTRATOR)
)
MANAGE_CLEARANCES = permission(
    "manage_clearances", _("Set users' clearances"), roles=(CLERK, ADMINISTRATOR)
)
