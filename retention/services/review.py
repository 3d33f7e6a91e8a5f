"""The review (到期鉴定) of due records: the queue, the decisions, the daily e-mail."""

from __future__ import annotations

import datetime
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts import roles
from records_dms.accounts.policy import policy
from records_dms.archive.models import Record, RecordState
from records_dms.archive.selectors import visible_records
from records_dms.archive.services import User
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_log
from retention import events
from retention.models import OPEN_STATES, DailyNotice, Outcome, RecordRetention
from retention.permissions import REVIEW_RETENTION
from retention.services.schedules import retention_recompute


def due_records(
    on: datetime.date,
    *,
    user: User = None,
    customer: int | None = None,
    record_type: str = "",
    schedule: int | None = None,
) -> QuerySet[RecordRetention]:
    """Records due for review on or before ``on``, not decided, not on an open request."""
    rows = (
        RecordRetention.objects.filter(
            due_date__lte=on, keep_permanently=False, outcome=Outcome.NONE
        )
        .exclude(record__state=RecordState.DESTROYED)
        .exclude(record__destruction_items__request__state__in=OPEN_STATES)
        .select_related("record", "record__customer", "schedule")
        .order_by("due_date", "record__reference")
    )
    if user is not None:
        rows = rows.filter(record__in=visible_records(user=user))
    if customer:
        rows = rows.filter(record__customer_id=customer)
    if record_type:
        rows = rows.filter(record__type=record_type)
    if schedule:
        rows = rows.filter(schedule_id=schedule)
    return rows


def _decide(
    records: Sequence[Record], actor: User, action: str, data: dict[str, Any], **values: Any
) -> int:
    policy.require(actor, REVIEW_RETENTION)
    if not records:
        raise ValidationError(_("Choose at least one record."))
    with transaction.atomic():
        ids = [r.pk for r in records]
        retention_recompute(ids, actor=actor, reason="first look")
        RecordRetention.objects.filter(record_id__in=ids).update(**values)
        retention_recompute(ids, actor=actor, reason=action)
        audit_log(
            action=action,
            actor=actor,
            data={**data, "records": sorted(r.reference for r in records)},
        )
    return len(ids)


def retention_extend(
    *, records: Sequence[Record], until: datetime.date, reason: str, actor: User
) -> int:
    """Keep records longer: a new due date, with the reason."""
    if not reason.strip():
        raise ValidationError(_("An extension needs a reason."))
    if until <= timezone.localdate():
        raise ValidationError(_("The new due date must be in the future."))
    return _decide(
        records,
        actor,
        events.REVIEW_EXTENDED,
        {"until": until.isoformat(), "reason": reason},
        extended_to=until,
        decision_reason=reason.strip()[:300],
    )


def retention_keep_permanently(*, records: Sequence[Record], reason: str, actor: User) -> int:
    """Keep records permanently (永久保存): they never come up for review again."""
    if not reason.strip():
        raise ValidationError(_("Keeping permanently needs a reason."))
    return _decide(
        records,
        actor,
        events.REVIEW_KEPT_PERMANENTLY,
        {"reason": reason},
        keep_permanently=True,
        decision_reason=reason.strip()[:300],
    )


def _metadata(record: Record) -> dict[str, Any]:
    state = getattr(record, "retention", None)
    return {
        "reference": record.reference,
        "customer": record.customer.code,
        "type": record.type,
        "title": record.title,
        "document_date": record.document_date.isoformat(),
        "received_date": record.received_date.isoformat(),
        "confidentiality": record.confidentiality,
        "sha256": record.sha256,
        "original_name": record.original_name,
        "mime_type": record.mime_type,
        "pages": [
            {"number": p.number, "text": p.text, "source": p.source} for p in record.pages.all()
        ],
        "schedule": state.schedule.code if state and state.schedule else None,
        "due_date": state.due_date.isoformat() if state and state.due_date else None,
    }


def retention_transfer(*, records: Sequence[Record], reason: str, actor: User) -> Path:
    """移交: a ZIP package of the records' originals, metadata and audit trail; they leave
    the review queue as transferred. Returns the package's path in the data dir."""
    policy.require(actor, REVIEW_RETENTION)
    if not records:
        raise ValidationError(_("Choose at least one record."))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(settings.DATA_DIR) / "transfers"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"transfer-{stamp}-{records[0].pk}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as package:
        manifest = []
        for record in records:
            manifest.append(_metadata(record))
            if record.original_key and default_storage.exists(record.original_key):
                with default_storage.open(record.original_key, "rb") as handle:
                    package.writestr(
                        f"originals/{record.reference}/{record.original_name or 'original'}",
                        handle.read(),
                    )
            trail = AuditEvent.objects.filter(object_type="record", object_id=str(record.pk))
            package.writestr(
                f"audit/{record.reference}.json",
                json.dumps(
                    [
                        {
                            "sequence": e.sequence,
                            "occurred_at": e.occurred_at.isoformat(),
                            "actor": e.actor_name,
                            "action": e.action,
                            "data": e.data,
                            "hash": e.hash,
                        }
                        for e in trail.order_by("sequence")
                    ],
                    ensure_ascii=False,
                    indent=2,
                ),
            )
        package.writestr(
            "manifest.json",
            json.dumps({"reason": reason, "records": manifest}, ensure_ascii=False, indent=2),
        )
    _decide(
        records,
        actor,
        events.REVIEW_TRANSFERRED,
        {"reason": reason, "package": target.name},
        outcome=Outcome.TRANSFERRED,
        decision_reason=reason.strip()[:300],
    )
    return target


# The daily run ---------------------------------------------------------------------------


def retention_notify(on: datetime.date) -> int | None:
    """E-mail every clerk the list of records due on ``on``, once per day.

    Returns how many records were listed, or None if that day's e-mail was already sent.
    """
    with transaction.atomic():
        rows = list(due_records(on))
        try:
            with transaction.atomic():
                DailyNotice.objects.create(day=on, due_count=len(rows))
        except IntegrityError:
            return None
        audit_log(action=events.DUE_NOTIFIED, data={"day": on.isoformat(), "count": len(rows)})
    if not rows:
        return 0
    clerks = (
        get_user_model().objects.filter(is_active=True, groups__name=roles.CLERK).exclude(email="")
    )
    # Clerks may not see sealed dossiers: those records are counted, not named (compliance
    # officers review them on the sealed-dossiers screen).
    lines = [
        f"{r.record.reference}  {r.record.customer.code}  {r.record.title}  "
        f"{r.schedule.code if r.schedule else '-'}  {r.due_date}"
        for r in rows
        if not r.record.customer.sealed
    ]
    sealed = len(rows) - len(lines)
    if sealed:
        lines.append(
            _("and %(count)d of sealed dossiers, which compliance officers review")
            % {"count": sealed}
        )
    send_mail(
        subject=_("%(count)d records are due for review on %(day)s")
        % {"count": len(rows), "day": on},
        message="\n".join(lines),
        from_email=None,
        recipient_list=sorted({u.email for u in clerks}),
    )
    return len(rows)


def retention_daily(day: str) -> int:
    """The daily task: notify for ``day``, then queue the run of the next morning.

    Each morning's run is queued exactly once, by whichever call gets there first (a counter
    row, locked while queuing), however many workers start or chains run at once; queuing it
    again would only send nothing twice. (A queued run lost with Redis's data is not queued
    again for that morning; the next worker start or chain run queues the following ones.)
    """
    from records_dms.archive.daily import daily_jobs_run
    from records_dms.archive.numbering import counter_next
    from retention.tasks import retention_daily_task

    on = datetime.date.fromisoformat(day)
    count = retention_notify(on)
    tomorrow = on + datetime.timedelta(days=1)
    if retention_daily_task.get_backend().supports_defer:
        run_at = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 0)))
        with transaction.atomic():
            # Rolled back with the counter if queuing fails, so a later start queues it.
            if counter_next(f"retention-daily-queued:{tomorrow.isoformat()}") == 1:
                retention_daily_task.using(run_after=run_at).enqueue(tomorrow.isoformat())
    # The other parts' daily work (lending's overdue run) rides on the same chain; each job is
    # idempotent, so the extra runs of a worker start do nothing twice.
    daily_jobs_run(on)
    return count or 0


def retention_daily_start() -> None:
    """Run today's notice if it is still due and keep the daily chain going (worker start).

    Workers starting at once take turns (a counter row locked for the backfill), so records
    filed before retention existed get their due dates once, and certificates issued before
    they were filed as records are filed once.
    """
    from records_dms.archive.numbering import counter_next
    from retention.services.filing import certificates_file_missing
    from retention.services.schedules import retention_backfill

    with transaction.atomic():
        counter_next("retention-worker-starts")  # held until this commits: one at a time
        retention_backfill()
        certificates_file_missing()
    retention_daily(timezone.localdate().isoformat())
