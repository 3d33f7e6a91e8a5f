"""What the archive's roles may do with customers, records and complaints."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import ADMINISTRATOR, AUDITOR, CLERK, COMPLIANCE, STAFF
from records_dms.common.permissions import permission

READERS = (CLERK, AUDITOR, COMPLIANCE, STAFF)

VIEW_CUSTOMER = permission("view_customer", _("See customers"), roles=(*READERS, ADMINISTRATOR))
ADD_CUSTOMER = permission("add_customer", _("Create customers"), roles=(CLERK,))
CHANGE_CUSTOMER = permission("change_customer", _("Edit customers"), roles=(CLERK,))
VIEW_RECORD = permission("view_record", _("See records"), roles=READERS)
# Open the content: pages and the original.
READ_RECORD = permission("read_record", _("Read records"), roles=READERS)
ADD_RECORD = permission("add_record", _("File records"), roles=(CLERK,))
CHANGE_RECORD = permission("change_record", _("Edit records"), roles=(CLERK,))
MANAGE_COMPLAINTS = permission("manage_complaints", _("Register complaints"), roles=(CLERK,))
# See sealed dossiers (compliance officers and auditors).
VIEW_SEALED = permission("view_sealed", _("See sealed dossiers"), roles=(AUDITOR, COMPLIANCE))
# Rebuild the search index from the screen (``dms reindex`` is the operator's way).
REINDEX = permission("reindex", _("Rebuild the search index"), roles=(ADMINISTRATOR,))
