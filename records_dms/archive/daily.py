"""Work done once a day, on the product's one daily chain: a registry the other parts add to.

Retention runs the chain (``retention.services.review.retention_daily``: queued for 07:00 each
morning,
started again by every ``dms worker``, so no cron is needed) and calls ``daily_jobs_run`` each
time. Lending registers its overdue run from its AppConfig.ready. A job must be idempotent: the
chain may run it more than once a day (every worker start runs today's chain).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

DailyJob = Callable[[datetime.date], object]

_jobs: dict[str, DailyJob] = {}


def daily_job_register(name: str, job: DailyJob) -> DailyJob:
    """Add a job under ``name`` (registering a name again replaces it)."""
    _jobs[name] = job
    return job


def daily_jobs_run(on: datetime.date) -> dict[str, object]:
    """Run every job for the day ``on``; name → its result, or the error that stopped it.

    One failing job does not keep the others (or the chain's next day) from running.
    """
    results: dict[str, object] = {}
    for name, job in list(_jobs.items()):
        try:
            results[name] = job(on)
        except Exception as error:
            logger.exception("daily job %s failed for %s", name, on)
            results[name] = error
    return results
