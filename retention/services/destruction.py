"""Destruction requests: propose (clerk) → approve or reject (someone else) → execute (two
witnesses sign) → completed. The run itself is in ``retention.services.execution``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.blockers import destruction_blockers
from records_dms.archive.events import records_changed
from records_dms.archive.models import Channel, Record, RecordState
from records_dms.archive.numbering import counter_next
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from records_dms.common.failpoints import chaos_point
from retention import events
from retention.inventory import items_complete, period_label
from retention.models import (
    OPEN_STATES,
    DestructionApproval,
    DestructionItem,
    DestructionRequest,
    RecordRetention,
    RequestState,
)
from retention.permissions import APPROVE_DESTRUCTION, EXECUTE_DESTRUCTION, REVIEW_RETENTION
from retention.seals import request_seal
from retention.services.schedules import retention_recompute
from retention.services.witnesses import WitnessSignature, witnesses_check, witnesses_store

log = logging.getLogger(__name__)

ELECTRONIC_METHOD = "deleted from storage, search index and database"
PAPER_METHOD = "shredding"


def not_destroyable_reasons(records: Sequence[Record], on: datetime.date) -> dict[int, list[str]]:
    """Record id → why it may not be destroyed on that day (its own state and schedule, holds,
    loans and the other blockers)."""
    states = {s.record_id: s for s in RecordRetention.objects.filter(record__in=records)}
    reasons: dict[int, list[str]] = {}
    for record in records:
        state = states.get(record.pk)
        if record.state == RecordState.DESTROYED:
            reasons.setdefault(record.pk, []).append(_("already destroyed"))
        elif state is None or state.keep_permanently:
            reasons.setdefault(record.pk, []).append(
                _("kept permanently") if state else _("no due date")
            )
        elif state.due_date is None or state.due_date > on:
            reasons.setdefault(record.pk, []).append(
                _("not due until %(date)s") % {"date": state.due_date}
                if state.due_date
                else _("no due date yet (%(why)s)") % {"why": state.get_waiting_display()}
            )
        elif state.outcome:
            reasons.setdefault(record.pk, []).append(state.get_outcome_display())
    for record_id, why in destruction_blockers(records).items():
        reasons.setdefault(record_id, []).extend(why)
    return reasons


def _refuse(records: Sequence[Record], reasons: dict[int, list[str]]) -> None:
    if reasons:
        by_id = {r.pk: r.reference for r in records}
        raise ValidationError(
            [f"{by_id[rid]}: {'; '.join(why)}" for rid, why in sorted(reasons.items())]
        )


def destruction_request_propose(
    *, records: Sequence[Record], actor: User, reason: str = ""
) -> DestructionRequest:
    """Propose due records for destruction (clerks); held, lent or undue records are refused."""
    return destruction_propose_as(records, policy.require(actor, REVIEW_RETENTION), reason)


def destruction_propose_as(
    records: Sequence[Record], person: AuthUser, reason: str = ""
) -> DestructionRequest:
    """The proposal itself, for a caller that has checked ``person``'s right already (a
    compliance officer answering a deletion request or proposing a sealed dossier's due
    records)."""
    actor = person
    records = list({r.pk: r for r in records}.values())
    if not records:
        raise ValidationError(_("A destruction request needs at least one record."))
    with transaction.atomic():
        locked = list(Record.objects.select_for_update().filter(pk__in=[r.pk for r in records]))
        retention_recompute([r.pk for r in locked], actor=actor, reason="proposal")
        reasons = not_destroyable_reasons(locked, timezone.localdate())
        already = DestructionItem.objects.filter(
            record__in=locked, request__state__in=OPEN_STATES
        ).select_related("request")
        for item in already:
            reasons.setdefault(item.record_id, []).append(
                _("already on request %(number)s") % {"number": item.request.number}
            )
        _refuse(locked, reasons)
        year = timezone.localdate().year
        request = DestructionRequest.objects.create(
            number=f"XH-{year}-{counter_next(f'destruction:{year}'):04d}",
            reason=reason.strip()[:300],
            proposed_by=person,
            approvals_required=max(1, settings.RETENTION.destruction_approvers),
        )
        states = {
            s.record_id: s
            for s in RecordRetention.objects.filter(record__in=locked).select_related("schedule")
        }
        DestructionItem.objects.bulk_create(
            [
                DestructionItem(
                    request=request,
                    record=record,
                    reference=record.reference,
                    record_type=record.type,
                    title=record.title,
                    document_date=record.document_date,
                    due_date=states[record.pk].due_date,
                    sha256=record.sha256,
                    original_key=record.original_key,
                    rendition_key=record.rendition_key,
                    paper=record.channel == Channel.PAPER or bool(record.physical_location),
                    pages=record.page_count,
                    retention_period=period_label(states[record.pk].schedule),
                )
                for record in locked
            ]
        )
        audit_log(
            action=events.DESTRUCTION_PROPOSED,
            actor=actor,
            obj=request,
            data={"reason": request.reason, "records": sorted(r.reference for r in locked)},
            seals=[request_seal(request)],
        )
    return request


def _open_request(request: DestructionRequest, *states: str) -> DestructionRequest:
    locked = DestructionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.state not in states:
        raise ValidationError(
            _("Request %(number)s is %(state)s.")
            % {"number": locked.number, "state": locked.get_state_display()}
        )
    return locked


def _records_of(request: DestructionRequest) -> list[Record]:
    return list(Record.objects.filter(destruction_items__request=request))


def destruction_request_approve(*, request: DestructionRequest, actor: User) -> DestructionRequest:
    """Approve a list (compliance officers other than the proposer); holds and loans refuse it."""
    person = policy.require(actor, APPROVE_DESTRUCTION)
    with transaction.atomic():
        request = _open_request(request, RequestState.SUBMITTED)
        if person.pk == request.proposed_by_id:
            raise PermissionDenied(_("The proposer of a destruction list may not approve it."))
        if request.approvals.filter(approver_id=person.pk).exists():
            raise ValidationError(_("You have already approved this list."))
        records = _records_of(request)
        _refuse(records, not_destroyable_reasons(records, timezone.localdate()))
        DestructionApproval.objects.create(
            request=request, proposer_id=request.proposed_by_id, approver=person
        )
        approved = request.approvals.count() >= request.approvals_required
        if approved:
            request.state = RequestState.APPROVED
            request.save(update_fields=["state"])
            Record.objects.filter(pk__in=[r.pk for r in records]).update(state=RecordState.APPROVED)
            records_changed(
                [r.pk for r in records], reason=events.DESTRUCTION_APPROVED, fields=("state",)
            )
        audit_log(
            action=events.DESTRUCTION_APPROVED,
            actor=actor,
            obj=request,
            data={
                "approvals": request.approvals.count(),
                "required": request.approvals_required,
                "approved": approved,
            },
            seals=[request_seal(request)],
        )
    return request


def destruction_request_reject(
    *, request: DestructionRequest, actor: User, reason: str
) -> DestructionRequest:
    """Reject a submitted list (compliance officers); its records stay as they were."""
    person = policy.require(actor, APPROVE_DESTRUCTION)
    if not reason.strip():
        raise ValidationError(_("Say why the list is rejected."))
    with transaction.atomic():
        request = _open_request(request, RequestState.SUBMITTED)
        request.state = RequestState.REJECTED
        request.rejected_by = person
        request.rejection_reason = reason.strip()[:300]
        request.save(update_fields=["state", "rejected_by", "rejection_reason"])
        audit_log(
            action=events.DESTRUCTION_REJECTED,
            actor=actor,
            obj=request,
            data={"reason": request.rejection_reason},
            seals=[request_seal(request)],
        )
    return request


def destruction_request_execute(
    *,
    request: DestructionRequest,
    actor: User,
    witnesses: Sequence[WitnessSignature] = (),
    paper_method: str = PAPER_METHOD,
    run: bool = True,
) -> DestructionRequest:
    """Start (or resume) the execution of an approved list; ``run`` carries it out here.

    At least two witnesses (监销人) sign the inventory before anything is destroyed; resuming
    an executing list needs none (they signed when it started)."""
    person = policy.require(actor, EXECUTE_DESTRUCTION)
    with transaction.atomic():
        request = _open_request(request, RequestState.APPROVED, RequestState.EXECUTING)
        if request.state == RequestState.APPROVED:
            signed = witnesses_check(witnesses, person)
            items_complete(request)
            rows = witnesses_store(request, signed)
            request.state = RequestState.EXECUTING
            request.executed_by = person
            request.execution_started_at = timezone.now()
            request.method = ELECTRONIC_METHOD
            request.paper_method = paper_method.strip()[:100] or PAPER_METHOD
            request.witness = "、".join(w.name for w in rows)[:100]
            request.save()
            audit_log(
                action=events.DESTRUCTION_EXECUTION_STARTED,
                actor=actor,
                obj=request,
                data={
                    "witnesses": [
                        {
                            "name": w.name,
                            "user": w.user.get_username() if w.user else None,
                            "unit": w.unit,
                            "sha256": w.sha256,
                        }
                        for w in rows
                    ],
                    "paper_method": request.paper_method,
                },
                seals=[request_seal(request)],
            )
    chaos_point("destruction:started")
    if run:
        from retention.services.execution import destruction_run

        destruction_run(request.pk)
        request.refresh_from_db()
    return request
