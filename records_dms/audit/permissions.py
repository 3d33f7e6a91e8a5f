"""Who reads the audit trail."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.permissions import permission
from records_dms.common.roles import AUDITOR, COMPLIANCE

VIEW_AUDIT = permission("view_audit", _("Read the audit trail"), roles=(AUDITOR, COMPLIANCE))
EXPORT_AUDIT = permission("export_audit", _("Export the audit trail"), roles=(AUDITOR,))
