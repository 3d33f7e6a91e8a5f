"""What retention objects look like as JSON, to the API and to `dms ... --json` alike."""

from __future__ import annotations

import datetime
from typing import Any


def due_payload(on: datetime.date) -> list[dict[str, Any]]:
    from retention.services.review import due_records
    from retention.services.schedules import retention_backfill

    retention_backfill()
    return [
        {
            "reference": row.record.reference,
            "customer": row.record.customer.code,
            "type": row.record.type,
            "title": row.record.title,
            "schedule": row.schedule.code if row.schedule else None,
            "trigger_date": row.trigger_date,
            "due_date": row.due_date,
        }
        for row in due_records(on)
    ]


def hold_payload(hold: Any) -> dict[str, Any]:
    from retention.services.holds import hold_records

    return {
        "id": hold.pk,
        "scope": hold.scope,
        "reason": hold.reason,
        "active": hold.active,
        "placed_by": hold.placed_by.get_username(),
        "placed_at": hold.placed_at,
        "lifted_at": hold.lifted_at,
        "records": list(hold_records(hold).values_list("reference", flat=True)),
    }


def request_payload(request: Any) -> dict[str, Any]:
    from retention.models import DestructionCertificate

    certificate = DestructionCertificate.objects.filter(request=request).first()
    return {
        "id": request.pk,
        "number": request.number,
        "state": request.state,
        "reason": request.reason,
        "proposed_by": request.proposed_by.get_username(),
        "approved_by": [a.approver.get_username() for a in request.approvals.all()],
        "approvals_required": request.approvals_required,
        "rejected_by": request.rejected_by.get_username() if request.rejected_by else None,
        "executed_by": request.executed_by.get_username() if request.executed_by else None,
        "witness": request.witness or None,
        "items": [
            {
                "reference": item.reference,
                "state": item.state,
                "sha256": item.sha256,
                "reason": item.skip_reason or None,
            }
            for item in request.items.all()
        ],
        "certificate": certificate.number if certificate else None,
    }


def seal_payload(customer: Any) -> dict[str, Any]:
    from retention.models import DossierSeal

    return {
        "customer": customer.code,
        "sealed": customer.sealed,
        "seals": [
            {
                "id": seal.pk,
                "reason": seal.reason,
                "sealed_by": seal.sealed_by.get_username(),
                "sealed_at": seal.sealed_at,
                "unsealed_at": seal.unsealed_at,
                "unseal_reason": seal.unseal_reason or None,
            }
            for seal in DossierSeal.objects.filter(customer=customer).select_related("sealed_by")
        ],
    }


def deletion_payload(request: Any) -> dict[str, Any]:
    return {
        "id": request.pk,
        "number": request.number,
        "customer": request.customer.code,
        "received_on": request.received_on,
        "requester": request.requester,
        "notes": request.notes,
        "state": request.state,
        "registered_by": request.registered_by.get_username(),
        "answered_by": request.answered_by.get_username() if request.answered_by else None,
        "answered_at": request.answered_at,
        "destruction": request.destruction.number if request.destruction else None,
        "sealed": request.customer.sealed,
        "records": request.answer,
        "letter_sha256": request.letter_sha256 or None,
    }
