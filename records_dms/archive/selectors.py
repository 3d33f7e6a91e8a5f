"""Reads of the archive for screens and exports; callers pass what the policy allows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import ComplaintCase, ComplaintRegister, Customer, Record, Volume


@dataclass
class CatalogueSection:
    """One volume of a dossier (or the records in no volume) with its records in order."""

    volume: Volume | None
    records: list[Record] = field(default_factory=list)


def dossier_catalogue(customer: Customer, records: QuerySet[Record]) -> list[CatalogueSection]:
    """The catalogue (目录): records by volume, each volume in document-date order."""
    rows = (
        records.filter(customer=customer, parent__isnull=True)
        .select_related("volume")
        .order_by("volume__number", "document_date", "reference")
    )
    sections: dict[int | None, CatalogueSection] = {}
    for record in rows:
        section = sections.setdefault(record.volume_id, CatalogueSection(record.volume))
        section.records.append(record)
    # Volumes first in number order; loose records (no volume) last.
    return sorted(
        sections.values(),
        key=lambda s: (s.volume is None, s.volume.number if s.volume else 0),
    )


def complaint_registers(customer: Customer) -> dict[str, QuerySet[ComplaintCase]]:
    """Forwarded and directly received complaints, listed separately as the policy requires."""
    cases = ComplaintCase.objects.filter(customer=customer).select_related("volume")
    return {
        ComplaintRegister.FORWARDED: cases.filter(register=ComplaintRegister.FORWARDED),
        ComplaintRegister.DIRECT: cases.filter(register=ComplaintRegister.DIRECT),
    }
