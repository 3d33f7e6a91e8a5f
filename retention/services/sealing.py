"""Sealing (封存) a customer's dossier: compliance officers only, with a reason, audited.

A sealed dossier disappears from search, record lists, the API and loans for everyone but
compliance officers and auditors (the policy trims it: ``VIEW_SEALED``); its records stay
under their schedules and are destroyed when due. Nothing new may be filed into it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.events import records_changed
from records_dms.archive.models import Customer
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from retention import events
from retention.models import DestructionRequest, DossierSeal
from retention.permissions import SEAL


def dossier_seal(*, customer: Customer, reason: str, actor: User) -> DossierSeal:
    """Seal a customer's dossier (compliance officers); a reason is required."""
    person = policy.require(actor, SEAL)
    if not reason.strip():
        raise ValidationError(_("Sealing a dossier needs a reason."))
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.sealed:
            raise ValidationError(
                _("The dossier of %(code)s is already sealed.") % {"code": customer.code}
            )
        seal = DossierSeal.objects.create(
            customer=customer, reason=reason.strip()[:300], sealed_by=person
        )
        customer.sealed = True
        customer.save(update_fields=["sealed"])
        audit_log(
            action=events.DOSSIER_SEALED,
            actor=actor,
            obj=customer,
            customer_code=customer.code,
            data={"reason": seal.reason, "seal": seal.pk, "records": customer.records.count()},
        )
        records_changed(
            customer.records.values_list("pk", flat=True),
            reason=events.DOSSIER_SEALED,
            fields=("sealed",),
        )
    return seal


def dossier_unseal(*, customer: Customer, reason: str, actor: User) -> DossierSeal:
    """Open a sealed dossier again (compliance officers), with the reason."""
    person = policy.require(actor, SEAL)
    if not reason.strip():
        raise ValidationError(_("Unsealing a dossier needs a reason."))
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        seal = DossierSeal.objects.filter(customer=customer, unsealed_at__isnull=True).first()
        if not customer.sealed:
            raise ValidationError(
                _("The dossier of %(code)s is not sealed.") % {"code": customer.code}
            )
        if seal is None:  # sealed before seals were kept (or by hand): keep the history whole
            seal = DossierSeal.objects.create(
                customer=customer, reason=_("(sealed without a recorded reason)"), sealed_by=person
            )
        seal.unsealed_at = timezone.now()
        seal.unsealed_by = person
        seal.unseal_reason = reason.strip()[:300]
        seal.save(update_fields=["unsealed_at", "unsealed_by", "unseal_reason"])
        customer.sealed = False
        customer.save(update_fields=["sealed"])
        audit_log(
            action=events.DOSSIER_UNSEALED,
            actor=actor,
            obj=customer,
            customer_code=customer.code,
            data={"reason": seal.unseal_reason, "seal": seal.pk},
        )
        records_changed(
            customer.records.values_list("pk", flat=True),
            reason=events.DOSSIER_UNSEALED,
            fields=("sealed",),
        )
    return seal


def sealed_customers() -> QuerySet[Customer]:
    return Customer.objects.filter(sealed=True)


def active_seal(customer: Customer) -> DossierSeal | None:
    return DossierSeal.objects.filter(customer=customer, unsealed_at__isnull=True).first()


def sealed_due_propose(*, customer: Customer, actor: User, reason: str = "") -> DestructionRequest:
    """Propose a sealed dossier's due records for destruction (compliance officers, who alone
    with auditors see them); held, lent or already proposed ones are left out."""
    from records_dms.archive.blockers import destruction_blockers
    from retention.services.destruction import destruction_propose_as
    from retention.services.review import due_records

    person = policy.require(actor, SEAL)
    if not customer.sealed:
        raise ValidationError(_("The dossier of %(code)s is not sealed.") % {"code": customer.code})
    records = [row.record for row in due_records(timezone.localdate(), customer=customer.pk)]
    blocked = destruction_blockers(records)
    free = [record for record in records if record.pk not in blocked]
    if not free:
        raise ValidationError(_("Nothing in this sealed dossier is due and free to destroy."))
    return destruction_propose_as(
        free, person, reason=reason or f"封存档案到期 sealed dossier {customer.code} due"
    )
