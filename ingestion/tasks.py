"""Background work of ingestion, run by the task worker (`dms run` starts one)."""

from __future__ import annotations

from django_tasks import task


@task()
def ingest_job(job_id: str) -> str:
    """Run one ingestion job; safe to run again (a finished job is left as it is)."""
    from ingestion.services import ingest_run

    return str(ingest_run(job_id).status)
