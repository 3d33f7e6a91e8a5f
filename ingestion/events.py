"""What filing tells the rest of the archive.

``record_filed`` is sent once a file is filed with its attachments (``record``, ``actor``).
The four-property check (records_dms.inspection) connects to it from its own AppConfig, so
ingestion never imports the apps that follow filing.
"""

from __future__ import annotations

from django.dispatch import Signal

record_filed = Signal()
