"""Names of lending's audit events and of its register entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

LOAN_REQUESTED = event("loan.requested", _("Loan requested"))
LOAN_APPROVED = event("loan.approved", _("Loan approved"))
LOAN_REFUSED = event("loan.refused", _("Loan refused"))
LOAN_CHECKED_OUT = event("loan.checked_out", _("Checked out"))
LOAN_RETURNED = event("loan.returned", _("Returned"))
LOAN_OVERDUE = event("loan.overdue", _("Loan overdue"))
LOAN_EXPIRED = event("loan.expired", _("Loan access expired"))
LOAN_OVERDUE_NOTIFIED = event("loan.overdue_notified", _("Overdue reminder sent"))
LOAN_COPY_DOWNLOADED = event("loan.copy_downloaded", _("Lent copy downloaded"))
LOAN_REGISTER_EXPORTED = event("loan.register_exported", _("Checkout register exported"))
SIGNATURE_VIEWED = event("loan.signature_viewed", _("Hand signature viewed"))
LOCATION_SET = event("location.set", _("Physical location set"))
READING_REGISTERED = event("reading.registered", _("Reading in the room registered"))
CUSTODY_HANDED_OVER = event("custody.handed_over", _("Custody handed over"))
USER_DEACTIVATED = event("user.deactivated", _("User deactivated"))
CART_ADDED = event("cart.added", _("Added to the borrowing cart"))
CART_REMOVED = event("cart.removed", _("Removed from the borrowing cart"))
CART_EMPTIED = event("cart.emptied", _("Borrowing cart emptied"))
CART_DROPPED = event("cart.dropped", _("Records out of reach dropped from the borrowing cart"))


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
