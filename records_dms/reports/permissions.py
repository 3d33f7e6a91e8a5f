"""Who exports the QMS reports."""

from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import AUDITOR
from records_dms.common.permissions import permission

EXPORT = permission("export", _("Export catalogues and reports"), roles=(AUDITOR,))
