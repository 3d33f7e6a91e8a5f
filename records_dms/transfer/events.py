"""What a transfer tells the audit trail, and the hook the receiving checks connect to.

``transfer_received`` is sent inside the receiving transaction, after this app's own checks
(signatures, digests, counts, total bytes, structure) passed and the records were created.
Receivers get ``entry`` (the TransferEntry), ``records`` (every record received, attachments
included), ``actor`` and ``expected`` ({"records": n, "bytes": total original bytes}). A
receiver that raises ``django.core.exceptions.ValidationError`` refuses the whole transfer:
nothing of it is kept. The four-property check (四性检测, records_dms.inspection) connects
here from its own AppConfig, so this app never imports it.
"""

from __future__ import annotations

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

TRANSFER_EXPORTED = event("transfer.exported", _("Transfer exported"))
TRANSFER_RECEIVED = event("transfer.received", _("Transfer received"))
TRANSFER_REFUSED = event("transfer.refused", _("Transfer refused"))
RECORD_EXPORTED = event("record.exported", _("Record exported in a transfer"))
RECORD_RECEIVED = event("record.received", _("Record received by transfer"))

transfer_received = Signal()
