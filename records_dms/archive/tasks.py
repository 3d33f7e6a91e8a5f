"""Background work of the archive, run by the task worker (`dms run` starts one)."""

from __future__ import annotations

from django_tasks import task


@task()
def search_rebuild_task(rebuild_id: int) -> int:
    """Rebuild the search index for a rebuild started on the screen; a finished one is left."""
    from records_dms.archive.rebuilds import rebuild_run

    return rebuild_run(rebuild_id).done
