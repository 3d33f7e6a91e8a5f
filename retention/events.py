"""Names of the audit events retention writes, with their labels."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

SCHEDULE_CREATED = event("retention.schedule_created", _("Retention schedule created"))
SCHEDULE_UPDATED = event("retention.schedule_updated", _("Retention schedule changed"))
DUE_DATES_RECOMPUTED = event("retention.due_dates_recomputed", _("Due dates recomputed"))
CONTRACT_END_SET = event("retention.contract_end_set", _("Contract end date set"))
REVIEW_EXTENDED = event("retention.extended", _("Retention extended"))
REVIEW_KEPT_PERMANENTLY = event("retention.kept_permanently", _("Kept permanently"))
REVIEW_TRANSFERRED = event("retention.transferred", _("Transferred"))
DUE_NOTIFIED = event("retention.due_notified", _("Due-date reminder sent"))
HOLD_PLACED = event("hold.placed", _("Legal hold placed"))
HOLD_LIFTED = event("hold.lifted", _("Legal hold lifted"))
DESTRUCTION_PROPOSED = event("destruction.proposed", _("Destruction request proposed"))
DESTRUCTION_APPROVED = event("destruction.approved", _("Destruction request approved"))
DESTRUCTION_REJECTED = event("destruction.rejected", _("Destruction request rejected"))
DESTRUCTION_EXECUTION_STARTED = event("destruction.execution_started", _("Destruction started"))
RECORD_DESTROYED = event("record.destroyed", _("Record destroyed"))
DESTRUCTION_ITEM_SKIPPED = event("destruction.item_skipped", _("Record skipped in destruction"))
DESTRUCTION_COMPLETED = event("destruction.completed", _("Destruction completed"))
CERTIFICATE_DOWNLOADED = event(
    "destruction.certificate_downloaded", _("Certificate of destruction downloaded")
)
DOSSIER_SEALED = event("dossier.sealed", _("Dossier sealed"))
DOSSIER_UNSEALED = event("dossier.unsealed", _("Dossier unsealed"))
DELETION_REQUEST_REGISTERED = event("deletion_request.registered", _("Deletion request registered"))
DELETION_REQUEST_ANSWERED = event("deletion_request.answered", _("Deletion request answered"))
DELETION_LETTER_DOWNLOADED = event(
    "deletion_request.letter_downloaded", _("Deletion answer letter downloaded")
)
CERTIFICATE_FILED = event("destruction.certificate_filed", _("Certificate of destruction filed"))
