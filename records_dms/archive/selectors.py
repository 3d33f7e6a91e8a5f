"""Reads of the archive: what a user may see (the one place that applies the policy to the
archive's tables), and the catalogue and registers the screens and exports show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from records_dms.accounts.policy import policy
from records_dms.archive.models import ComplaintCase, ComplaintRegister, Customer, Record, Volume
from records_dms.archive.permissions import VIEW_CUSTOMER, VIEW_RECORD, VIEW_SEALED


def customer_filter(user: Any) -> Q | None:
    """The dossiers the user may open, as a filter on Customer; None: not one. Staff open the
    customers they own or are granted; a sealed dossier is closed to all but VIEW_SEALED."""
    if not policy.has(user, VIEW_CUSTOMER):
        return None
    condition = Q()
    if not policy.archive_wide(user):
        condition &= Q(owner_id=user.pk) | Q(grants__user_id=user.pk)
    if not policy.has(user, VIEW_SEALED):
        condition &= Q(sealed=False)
    return condition


def readable_levels(user: Any) -> frozenset[str]:
    """Confidentiality levels of the records the user may see (none without VIEW_RECORD)."""
    return policy.clearance(user) if policy.has(user, VIEW_RECORD) else frozenset()


def sees_every_customer(user: Any) -> bool:
    """Archive-wide roles that also see sealed dossiers: no customer filter at all."""
    return policy.archive_wide(user) and policy.has(user, VIEW_SEALED)


def visible_customers(*, user: Any) -> QuerySet[Customer]:
    """Customers whose dossier the user may open."""
    condition = customer_filter(user)
    if condition is None:
        return Customer.objects.none()
    return Customer.objects.filter(condition).distinct()


def visible_records(*, user: Any) -> QuerySet[Record]:
    """Records the user may see, trimmed by customer, clearance and seal."""
    levels = readable_levels(user)
    if not levels:
        return Record.objects.none()
    return Record.objects.filter(
        customer__in=visible_customers(user=user), confidentiality__in=levels
    )


def customer_visible(*, user: Any, customer: Customer) -> bool:
    return visible_customers(user=user).filter(pk=customer.pk).exists()


def records_by_reference(*, user: Any, references: Iterable[str]) -> list[Record]:
    """The named records the user may see, in the order named; an unknown reference and one
    out of the user's reach are refused alike (ValidationError), so nothing leaks."""
    wanted = [r.strip().upper() for r in references if r.strip()]
    found = {r.reference: r for r in visible_records(user=user).filter(reference__in=wanted)}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise ValidationError(f"no record {', '.join(missing)}")
    return [found[r] for r in wanted]


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
