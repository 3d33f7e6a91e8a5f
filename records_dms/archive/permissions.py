"""What the archive's roles may do with customers, records and complaints."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import ADMINISTRATOR, AUDITOR, CLERK, COMPLIANCE, STAFF
from records_dms.common.permissions import permission

READERS = (CLERK, AUDITOR, COMPLIANCE, STAFF)

VIEW_CUSTOMER = permission("view_customer", _("See customers"), roles=(*READERS, ADMINISTRATOR))
ADD_CUSTOMER = permission("add_customer", _("Create customers"), roles=(CLERK,))
CHANGE_CUSTOMER = permission("change_customer", _("Edit customers"), roles=(CLERK,))
VIEW_RECORD = permission("view_record", _("See records"), roles=READERS)
# Open the content: pages and the watermarked copy of a loan.
READ_RECORD = permission("read_record", _("Read records"), roles=READERS)
# Take the unwatermarked original and searchable PDF directly (logged); staff only when
# DMS_STAFF_DOWNLOAD_ORIGINALS is on (may_download_original), otherwise through a loan.
DOWNLOAD_ORIGINAL = permission(
    "download_original", _("Download unwatermarked originals"), roles=(CLERK, AUDITOR, COMPLIANCE)
)
ADD_RECORD = permission("add_record", _("File records"), roles=(CLERK,))
CHANGE_RECORD = permission("change_record", _("Edit records"), roles=(CLERK,))
MANAGE_COMPLAINTS = permission("manage_complaints", _("Register complaints"), roles=(CLERK,))
# See sealed dossiers (compliance officers and auditors).
VIEW_SEALED = permission("view_sealed", _("See sealed dossiers"), roles=(AUDITOR, COMPLIANCE))


def may_download_original(user: Any) -> bool:
    """Take unwatermarked originals and searchable PDFs directly: clerks, auditors and
    compliance officers; staff only if DMS_STAFF_DOWNLOAD_ORIGINALS is on (otherwise they get
    them as a watermarked electronic loan)."""
    if policy.has(user, DOWNLOAD_ORIGINAL):
        return True
    return settings.LENDING.staff_download_originals and policy.has(user, READ_RECORD)
