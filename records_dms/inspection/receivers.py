"""The four-property check run at filing and on receipt of a transfer (移交接收检测, DA/T 70).

At filing (``ingestion.events.record_filed``) faults are recorded and the record stays filed.

Connected to ``records_dms.transfer.events.transfer_received`` from this app's AppConfig, so
the transfer app never imports this one. Every item is stored with the transfer's inspection;
a fault of authenticity (真实性) or security (安全性) — a digest that does not match, a file
that is not what its metadata says, a virus, active content — refuses the whole transfer.
Faults of integrity and usability are recorded for the clerk to follow up, as at filing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from records_dms.inspection.models import Occasion, Outcome, Property
from records_dms.inspection.services import Expected, inspect, inspection_after_filing

REFUSING = (Property.AUTHENTICITY, Property.SECURITY)


def on_record_filed(sender: Any, *, record: Any, actor: Any, **_kwargs: Any) -> None:
    """A record just filed (with its attachments) is checked; faults are recorded."""
    inspection_after_filing(record, actor)


def on_transfer_received(
    sender: Any, *, records: list[Any], actor: Any, expected: dict[str, int], **_kwargs: Any
) -> None:
    inspection = inspect(
        records,
        occasion=Occasion.TRANSFER,
        actor=actor,
        expected=Expected(count=expected["records"], bytes=expected["bytes"]),
    )
    faults = inspection.results.filter(outcome=Outcome.FAIL, property__in=REFUSING)
    if faults.exists():
        raise ValidationError(
            [
                _("%(code)s %(reference)s: %(detail)s")
                % {
                    "code": fault.code,
                    "reference": fault.record.reference if fault.record else "",
                    "detail": fault.detail,
                }
                for fault in faults.select_related("record")[:20]
            ]
        )
