"""Code run in separate processes by the concurrent checkout test, against the test database."""

from __future__ import annotations

import time

from tests.concurrency import setup_django


def check_out_at(database_url: str, data_dir: str, loan_id: int, start_at: float) -> str:
    """Wait until ``start_at`` (so all processes go together), check the loan out; the outcome."""
    setup_django(database_url, data_dir)
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from records_dms.lending.models import Loan
    from records_dms.lending.services import loan_check_out
    from tests.lending.helpers import signature_png

    loan = Loan.objects.get(pk=loan_id)
    clerk = get_user_model().objects.get(username="clerk")
    signature = signature_png(loan_id)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        loan_check_out(loan=loan, actor=clerk, signature=signature)
    except ValidationError as error:
        return "refused: " + "; ".join(error.messages)
    return "checked out"


def daily_start_at(database_url: str, data_dir: str, outbox: str, start_at: float) -> str:
    """A worker starting at ``start_at``: run the daily chain's start, e-mail into ``outbox``."""
    setup_django(database_url, data_dir)
    from django.conf import settings

    from retention.services.review import retention_daily_start

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = outbox
    time.sleep(max(0.0, start_at - time.time()))
    retention_daily_start()
    return "ok"
