"""Code run in separate processes by the race tests, against the test database."""

from __future__ import annotations

import io
import time

from tests.concurrency import setup_django


def approve_at(
    database_url: str, data_dir: str, request_id: int, username: str, start_at: float
) -> str:
    """Wait until ``start_at`` (so all processes go together), approve; the outcome."""
    setup_django(database_url, data_dir)
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from retention.models import DestructionRequest
    from retention.services.destruction import destruction_request_approve

    request = DestructionRequest.objects.get(pk=request_id)
    officer = get_user_model().objects.get(username=username)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        destruction_request_approve(request=request, actor=officer)
    except (ValidationError, PermissionDenied) as error:
        return "refused: " + "; ".join(getattr(error, "messages", [str(error)]))
    return "approved"


def file_at(
    database_url: str, data_dir: str, customer_code: str, data: bytes, name: str, start_at: float
) -> tuple[str, str | None]:
    """Wait until ``start_at``, file the bytes (and wait for the pipeline); status, reference."""
    setup_django(database_url, data_dir)
    from django.contrib.auth import get_user_model

    from ingestion.services import ingest_submit
    from records_dms.archive.models import Customer

    customer = Customer.objects.get(code=customer_code)
    clerk = get_user_model().objects.get(username="clerk")
    time.sleep(max(0.0, start_at - time.time()))
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(data),
        filename=name,
        actor=clerk,
        record_type="minutes",
        wait=True,
    )
    return str(job.status), job.record.reference if job.record else None
