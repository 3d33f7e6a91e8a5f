"""Background work of retention, run by the task worker."""

from __future__ import annotations

from django_tasks import task


@task()
def destruction_execute_task(request_id: int) -> str:
    """Carry out an executing destruction request (safe to run again)."""
    from retention.services.execution import destruction_run

    return str(destruction_run(request_id).state)


@task()
def retention_daily_task(day: str) -> int:
    """Send the day's due-for-review e-mail once, then queue tomorrow's run."""
    from retention.services.review import retention_daily

    return retention_daily(day)
