"""Legal holds (冻结): placed and lifted by compliance officers; held records stay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Customer, Record, RecordState, Volume
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from retention import events
from retention.locks import hold_flags_off, hold_flags_on
from retention.models import HoldScope, LegalHold
from retention.permissions import MANAGE_HOLDS


def query_records(query: str, *, customer: Customer | None = None) -> QuerySet[Record]:
    """Records a saved search finds: the words in the title or any page's text."""
    records = Record.objects.exclude(state=RecordState.DESTROYED)
    if customer is not None:
        records = records.filter(customer=customer)
    for word in query.split():
        records = records.filter(Q(title__icontains=word) | Q(pages__text__icontains=word))
    return records.distinct()


def hold_place(
    *,
    actor: User,
    reason: str,
    records: Sequence[Record] = (),
    volume: Volume | None = None,
    customer: Customer | None = None,
    query: str = "",
) -> LegalHold:
    """Freeze records, a volume, a dossier or what a search finds; compliance officers only."""
    person = policy.require(actor, MANAGE_HOLDS)
    if not reason.strip():
        raise ValidationError(_("A legal hold needs a reason."))
    if query.strip():
        scope = HoldScope.QUERY
    elif volume is not None:
        scope = HoldScope.VOLUME
    elif customer is not None:
        scope = HoldScope.CUSTOMER
    elif records:
        scope = HoldScope.RECORD
    else:
        raise ValidationError(
            _("Say what the hold covers: records, a volume, a customer or a search.")
        )
    with transaction.atomic():
        hold = LegalHold.objects.create(
            scope=scope,
            reason=reason.strip()[:300],
            volume=volume if scope == HoldScope.VOLUME else None,
            customer=customer if scope in (HoldScope.CUSTOMER, HoldScope.QUERY) else None,
            query=query.strip() if scope == HoldScope.QUERY else "",
            placed_by=person,
        )
        if scope == HoldScope.RECORD:
            hold.records.set(records)
        elif scope == HoldScope.QUERY:
            hold.records.set(query_records(query, customer=customer))
        covered = hold_records(hold)
        hold_flags_on(covered)  # S3: the originals' legal-hold flags, before the commit
        audit_log(
            action=events.HOLD_PLACED,
            actor=actor,
            obj=hold,
            customer_code=customer.code if customer else (volume.customer.code if volume else ""),
            data={
                "scope": scope,
                "reason": hold.reason,
                "query": hold.query,
                "records": list(covered.values_list("reference", flat=True)[:1000]),
                "count": covered.count(),
            },
        )
    return hold


def hold_coverage(
    *,
    records: Sequence[Record] = (),
    volume: Volume | None = None,
    customer: Customer | None = None,
    query: str = "",
) -> QuerySet[Record]:
    """What ``hold_place`` with these arguments would cover (its confirmation preview); the
    same precedence of scopes, the same sets as ``hold_records`` then reports."""
    if query.strip():
        return query_records(query, customer=customer)
    if volume is not None:
        return Record.objects.filter(volume=volume)
    if customer is not None:
        return Record.objects.filter(customer=customer)
    return Record.objects.filter(pk__in=[r.pk for r in records])


def hold_lift(*, hold: LegalHold, actor: User, reason: str = "") -> LegalHold:
    """Lift a hold (compliance officers); what it covered may be proposed again."""
    person = policy.require(actor, MANAGE_HOLDS)
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise ValidationError(_("Hold #%(id)d is already lifted.") % {"id": hold.pk})
        hold.lifted_at = timezone.now()
        hold.lifted_by = person
        hold.lift_reason = reason.strip()[:300]
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        hold_flags_off(hold)  # S3: lowered after the commit, unless another hold still covers
        audit_log(
            action=events.HOLD_LIFTED,
            actor=actor,
            obj=hold,
            data={"reason": hold.lift_reason, "count": hold_records(hold).count()},
        )
    return hold


def hold_records(hold: LegalHold) -> QuerySet[Record]:
    """What a hold covers (the hold report)."""
    if hold.scope == HoldScope.VOLUME:
        return Record.objects.filter(volume=hold.volume)
    if hold.scope == HoldScope.CUSTOMER:
        return Record.objects.filter(customer=hold.customer)
    return Record.objects.filter(holds=hold)


def holds_on(records: Sequence[Record]) -> dict[int, list[LegalHold]]:
    """Record id → the active holds covering it, for many records in a few queries."""
    if not records:
        return {}
    ids = [r.pk for r in records]
    volumes = {r.volume_id for r in records if r.volume_id is not None}
    customers = {r.customer_id for r in records}
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    found: dict[int, list[LegalHold]] = {}
    for hold in active.filter(Q(volume_id__in=volumes) | Q(customer_id__in=customers)).filter(
        scope__in=(HoldScope.VOLUME, HoldScope.CUSTOMER)
    ):
        for record in records:
            if (hold.scope == HoldScope.VOLUME and record.volume_id == hold.volume_id) or (
                hold.scope == HoldScope.CUSTOMER and record.customer_id == hold.customer_id
            ):
                found.setdefault(record.pk, []).append(hold)
    through = LegalHold.records.through.objects.filter(
        record_id__in=ids, legalhold__lifted_at__isnull=True
    ).select_related("legalhold")
    for row in through:
        found.setdefault(row.record_id, []).append(row.legalhold)
    return found


def held_blocker(records: Sequence[Record]) -> Mapping[int, str]:
    """The destruction blocker retention registers: held records may not be destroyed."""
    return {
        record_id: _("held (%(holds)s)")
        % {"holds": ", ".join(f"#{h.pk} {h.reason}" for h in holds)}
        for record_id, holds in holds_on(records).items()
    }
