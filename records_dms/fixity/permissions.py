"""Who is told of damaged or missing originals (they also get the fixity alert e-mail)."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.permissions import permission
from records_dms.common.roles import COMPLIANCE

VIEW_FIXITY = permission("view_fixity", _("See fixity incidents"), roles=(COMPLIANCE,))
