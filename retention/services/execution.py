"""Carrying out an executing destruction list (the worker's part).

Execution is resumable: each record is marked "being destroyed" before its files go, so a run
killed at any point is finished by the next one, and only records of the approved list are
ever touched.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from records_dms.archive.events import records_changed
from records_dms.archive.models import Page, Record, RecordState
from records_dms.archive.object_lock import ObjectLockError, original_destroy, original_versions
from records_dms.archive.pageimages import page_images_delete
from records_dms.audit.services import audit_log
from records_dms.common.failpoints import chaos_point
from retention import events
from retention.models import DestructionItem, DestructionRequest, ItemState, RequestState
from retention.seals import certificate_seal, request_seal
from retention.services.destruction import not_destroyable_reasons


def destruction_run(request_id: int) -> DestructionRequest:
    """Carry out an executing request to its end; safe to run again after a crash."""
    request = DestructionRequest.objects.select_related("executed_by").get(pk=request_id)
    if request.state != RequestState.EXECUTING:
        return request
    for item_id in request.items.exclude(
        state__in=(ItemState.DESTROYED, ItemState.SKIPPED)
    ).values_list("pk", flat=True):
        _item_execute(item_id, request)
    from retention.certificates import certificate_issue

    chaos_point("destruction:certificate")
    with transaction.atomic():
        # One worker at a time issues the certificate and completes the request: several
        # starting at once (destruction_recover) may all have run the items up to here.
        request = DestructionRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.EXECUTING:
            return request
        certificate_issue(request)
        request.state = RequestState.COMPLETED
        request.completed_at = timezone.now()
        request.save(update_fields=["state", "completed_at"])
        items = request.items.all()
        audit_log(
            action=events.DESTRUCTION_COMPLETED,
            actor=request.executed_by,
            obj=request,
            data={
                "destroyed": [i.reference for i in items if i.state == ItemState.DESTROYED],
                "skipped": [i.reference for i in items if i.state == ItemState.SKIPPED],
                "certificate": request.certificate.number,
            },
            seals=[request_seal(request), certificate_seal(request.certificate)],
        )
    return request


def _item_execute(item_id: int, request: DestructionRequest) -> None:
    actor = request.executed_by
    with transaction.atomic():
        item = DestructionItem.objects.select_for_update().select_related("record").get(pk=item_id)
        if item.state == ItemState.PENDING:
            # The last check: still due, not held, not on loan, not destroyed meanwhile.
            record = item.record
            reasons = not_destroyable_reasons([record], timezone.localdate()).get(record.pk)
            if record.state != RecordState.APPROVED:
                reasons = [*(reasons or []), record.get_state_display()]
            if reasons:
                item.state, item.skip_reason = ItemState.SKIPPED, "; ".join(reasons)[:300]
                item.save(update_fields=["state", "skip_reason"])
                if record.state == RecordState.APPROVED:
                    Record.objects.filter(pk=record.pk).update(state=RecordState.FILED)
                    records_changed(
                        [record.pk], reason=events.DESTRUCTION_ITEM_SKIPPED, fields=("state",)
                    )
                audit_log(
                    action=events.DESTRUCTION_ITEM_SKIPPED,
                    actor=actor,
                    obj=record,
                    customer_code=record.customer.code,
                    data={"request": request.number, "reason": item.skip_reason},
                )
                return
            item.state = ItemState.PURGING
            # The store's versions are written down before any goes, so that a run killed
            # half way still names them all on the certificate ([] on the local folder).
            item.version_ids = original_versions(record)
            item.save(update_fields=["state", "version_ids"])
    # From here on the record goes, whatever happens: a crash is finished by the next run.
    chaos_point("destruction:purging")
    try:
        removed = _files_delete(item)
    except ObjectLockError as refused:
        if refused.removed:  # part of it is gone: only finishing it makes sense
            raise
        _item_refused(item.pk, request, str(refused))
        return
    chaos_point("destruction:files-deleted")
    # Out of the index now, not only after the commit below: a kill between that commit and
    # its on-commit hook would otherwise leave the destroyed text findable.
    records_changed([item.record_id], reason=events.RECORD_DESTROYED, withdraw=True)
    chaos_point("destruction:unindexed")
    with transaction.atomic():
        item = DestructionItem.objects.select_for_update().get(pk=item.pk)
        if item.state == ItemState.DESTROYED:  # another worker finished it meanwhile
            return
        versions = [*item.version_ids, *(v for v in removed if v not in item.version_ids)]
        record = Record.objects.select_for_update().get(pk=item.record_id)
        Page.objects.filter(record=record).delete()
        records_changed([record.pk], reason=events.RECORD_DESTROYED, fields=("state", "pages"))
        record.state = RecordState.DESTROYED
        record.original_key = ""
        record.rendition_key = ""
        record.email_headers = {}
        record.save(update_fields=["state", "original_key", "rendition_key", "email_headers"])
        DestructionItem.objects.filter(pk=item.pk).update(
            state=ItemState.DESTROYED, destroyed_at=timezone.now(), version_ids=versions
        )
        audit_log(
            action=events.RECORD_DESTROYED,
            actor=actor,
            obj=record,
            customer_code=record.customer.code,
            data={
                "request": request.number,
                "reference": record.reference,
                "sha256": record.sha256,
                "paper": item.paper,
                **({"versions": versions} if versions else {}),
            },
        )
    chaos_point("destruction:item-destroyed")


def _item_refused(item_id: int, request: DestructionRequest, why: str) -> None:
    """The store refused to delete (a COMPLIANCE lock not yet run out, or a legal-hold flag)
    before anything went: the record stays, and the certificate says why."""
    with transaction.atomic():
        item = DestructionItem.objects.select_for_update().select_related("record").get(pk=item_id)
        if item.state != ItemState.PURGING:
            return
        item.state, item.skip_reason = ItemState.SKIPPED, why[:300]
        item.save(update_fields=["state", "skip_reason"])
        record = item.record
        if Record.objects.filter(pk=record.pk, state=RecordState.APPROVED).update(
            state=RecordState.FILED
        ):
            records_changed([record.pk], reason=events.DESTRUCTION_ITEM_SKIPPED, fields=("state",))
        audit_log(
            action=events.DESTRUCTION_ITEM_SKIPPED,
            actor=request.executed_by,
            obj=record,
            customer_code=record.customer.code,
            data={"request": request.number, "reason": item.skip_reason},
        )


def _files_delete(item: DestructionItem) -> list[str]:
    """Remove the original, the searchable PDF, the page images (and any spooled copy) from
    storage; return the S3 versions removed. Bytes another live record still uses stay; on S3
    a GOVERNANCE lock is bypassed, as this is an approved destruction."""
    from ingestion.models import IngestionJob

    record = Record.objects.get(pk=item.record_id)
    removed = original_destroy(record, approved=True)
    page_images_delete(record)  # derived from the original: they go with it
    for spooled in IngestionJob.objects.filter(record_id=item.record_id).exclude(spool_path=""):
        Path(spooled.spool_path).unlink(missing_ok=True)
    return removed


def destruction_recover() -> int:
    """Finish every execution a killed process left half done (run when a worker starts)."""
    count = 0
    for request_id in DestructionRequest.objects.filter(state=RequestState.EXECUTING).values_list(
        "pk", flat=True
    ):
        destruction_run(request_id)
        count += 1
    return count
