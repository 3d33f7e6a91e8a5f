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

TRANSFER_EXPORTED = "transfer.exported"
TRANSFER_RECEIVED = "transfer.received"
TRANSFER_REFUSED = "transfer.refused"
RECORD_EXPORTED = "record.exported"
RECORD_RECEIVED = "record.received"

transfer_received = Signal()
