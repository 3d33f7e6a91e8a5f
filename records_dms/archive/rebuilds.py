"""Rebuilding the search index from the screen: one at a time, in the worker, with its
progress in the database so that the screen's script can show it without reloading."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from records_dms.accounts.policy import policy
from records_dms.archive.indexing import indexable_count, search_rebuild
from records_dms.archive.models import SearchRebuild
from records_dms.archive.permissions import REINDEX


def rebuild_start(*, actor: Any) -> SearchRebuild:
    """Queue a rebuild (administrators); while one runs, starting again returns that one."""
    from records_dms.archive.tasks import search_rebuild_task

    policy.require(actor, REINDEX)
    with transaction.atomic():
        running = SearchRebuild.objects.filter(finished_at__isnull=True).first()
        if running is not None:
            return running
        rebuild = SearchRebuild.objects.create(started_by=actor, total=indexable_count())
        transaction.on_commit(partial(search_rebuild_task.enqueue, rebuild.pk))
    return rebuild


def rebuild_run(rebuild_id: int) -> SearchRebuild:
    """Carry a queued rebuild out, counting the pages indexed as the backend reports them."""
    rebuild = SearchRebuild.objects.get(pk=rebuild_id)
    if rebuild.finished_at is not None:
        return rebuild
    rows = SearchRebuild.objects.filter(pk=rebuild_id)

    def progress(count: int) -> None:
        rows.update(done=F("done") + count)

    try:
        pages = search_rebuild(actor=rebuild.started_by, progress=progress)
    except Exception as error:
        rows.update(error=str(error)[:300], finished_at=timezone.now())
        raise
    rows.update(done=pages, total=max(pages, rebuild.total), finished_at=timezone.now())
    rebuild.refresh_from_db()
    return rebuild


def rebuild_status(rebuild: SearchRebuild) -> dict[str, Any]:
    """What the screen's script polls: pages done of total, finished, an error."""
    return {
        "id": rebuild.pk,
        "total": rebuild.total,
        "done": rebuild.done,
        "finished": rebuild.finished_at is not None,
        "error": rebuild.error,
    }
