"""Names of the four-property check's audit events."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

INSPECTION_RUN = event("inspection.run", _("Four-property check run"))
INSPECTION_EXPORTED = event("inspection.exported", _("Four-property check report exported"))
