"""Background work of fixity, run by the task worker."""

from __future__ import annotations

from django_tasks import task


@task()
def fixity_daily_task(day: str, keep_chain: bool = False) -> int:
    """Re-hash the day's share of the stored originals once, then queue tomorrow's run."""
    from .services import fixity_daily

    return fixity_daily(day, keep_chain=keep_chain)
