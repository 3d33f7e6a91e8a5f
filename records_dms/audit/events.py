"""Names of the events written to the audit trail (one constant per kind of event), each with
the label every screen shows instead of the name (records_dms/common/events.py)."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

CUSTOMER_CREATED = event("customer.created", _("Customer created"))
CUSTOMER_UPDATED = event("customer.updated", _("Customer changed"))
CUSTOMER_VIEWED = event("customer.viewed", _("Dossier viewed"))
RECORD_CREATED = event("record.created", _("Record filed"))
RECORD_UPDATED = event("record.updated", _("Record metadata changed"))
RECORD_VIEWED = event("record.viewed", _("Record viewed"))
RECORD_DOWNLOADED = event("record.downloaded", _("Record downloaded"))
RECORD_PAGES_EXTRACTED = event("record.pages_extracted", _("Text extracted"))
VOLUME_CREATED = event("volume.created", _("Volume formed"))
COMPLAINT_OPENED = event("complaint.opened", _("Complaint opened"))
COMPLAINT_UPDATED = event("complaint.updated", _("Complaint changed"))
GRANT_CREATED = event("grant.created", _("Grant given"))
GRANT_REVOKED = event("grant.revoked", _("Grant revoked"))
AUDIT_EXPORTED = event("audit.exported", _("Audit trail exported"))
CLEARANCE_SET = event("clearance.set", _("Clearance set"))
ROLES_CHANGED = event("roles.changed", _("Roles changed"))
SEARCHED = event("search.performed", _("Full-text search"))
SEARCH_REBUILT = event("search.rebuilt", _("Search index rebuilt"))
LOGIN_LOCKED = event("login.locked", _("Sign-in locked"))


def event_label(action: str) -> str:
    """What a screen or an export shows for an event code: its registered label."""
    from records_dms.common.events import event_label as registered_label

    return registered_label(action)
