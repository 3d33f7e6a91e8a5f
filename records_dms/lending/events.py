"""Names of lending's audit events and of its register entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LOAN_REQUESTED = "loan.requested"
LOAN_APPROVED = "loan.approved"
LOAN_REFUSED = "loan.refused"
LOAN_CHECKED_OUT = "loan.checked_out"
LOAN_RETURNED = "loan.returned"
LOAN_OVERDUE = "loan.overdue"
LOAN_EXPIRED = "loan.expired"
LOAN_OVERDUE_NOTIFIED = "loan.overdue_notified"
LOAN_COPY_DOWNLOADED = "loan.copy_downloaded"
LOAN_REGISTER_EXPORTED = "loan.register_exported"
SIGNATURE_VIEWED = "loan.signature_viewed"
LOCATION_SET = "location.set"
READING_REGISTERED = "reading.registered"
CUSTODY_HANDED_OVER = "custody.handed_over"


class RegisterEvent(models.TextChoices):
    """What one entry of the checkout register records."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CHECKED_OUT = "checked_out", _("Checked out")
    RETURNED = "returned", _("Returned")
    OVERDUE = "overdue", _("Overdue")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Access expired")
    READING = "reading", _("Read in the room")
    HANDOVER = "handover", _("Handover")
