"""Background tasks of lending. The overdue run itself rides on the daily chain (see overdue.py);
this task runs it on demand."""

from __future__ import annotations

from django_tasks import task

from records_dms.lending.overdue import loans_mark_overdue


@task()
def loans_mark_overdue_task() -> list[str]:
    """Mark loans past due; the numbers of the loans changed."""
    return [loan.number for loan in loans_mark_overdue()]
