"""Names of the events written to the audit trail (one constant per kind of event)."""

CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
CUSTOMER_VIEWED = "customer.viewed"
RECORD_CREATED = "record.created"
RECORD_UPDATED = "record.updated"
RECORD_VIEWED = "record.viewed"
RECORD_DOWNLOADED = "record.downloaded"
RECORD_PAGES_EXTRACTED = "record.pages_extracted"
VOLUME_CREATED = "volume.created"
COMPLAINT_OPENED = "complaint.opened"
COMPLAINT_UPDATED = "complaint.updated"
GRANT_CREATED = "grant.created"
GRANT_REVOKED = "grant.revoked"
AUDIT_EXPORTED = "audit.exported"
CLEARANCE_SET = "clearance.set"
ROLES_CHANGED = "roles.changed"
SEARCHED = "search.performed"
SEARCH_REBUILT = "search.rebuilt"
LOGIN_LOCKED = "login.locked"


def event_label(action: str) -> str:
    """What a screen or an export shows for an event code: the code itself until the event is
    given a label (every screen asks here, so a label given once shows everywhere)."""
    return action
