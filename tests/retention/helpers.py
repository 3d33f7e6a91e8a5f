"""Records that have reached their due date, made through the real services."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from records_dms.archive.models import Record
from records_dms.archive.services import complaint_open, complaint_update
from tests.factories import file_pdf, make_record


def closed_complaint_record(
    customer: Any,
    clerk: Any,
    *,
    closed_on: datetime.date = datetime.date(2020, 6, 30),
    severity: str = "normal",
    lines: list[str] | None = None,
    pdf: bool = True,
) -> Record:
    """A filed complaint (a real PDF unless ``pdf`` is False) whose case closed long enough
    ago that it is due."""
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="维修不及时",
        opened_on=closed_on - datetime.timedelta(days=30),
        actor=clerk,
        severity=severity,
    )
    document_date = closed_on - datetime.timedelta(days=20)
    record = (
        file_pdf(customer, actor=clerk, complaint=case, document_date=document_date, lines=lines)
        if pdf
        else make_record(
            customer, type="complaint", complaint=case, document_date=document_date, actor=clerk
        )
    )
    complaint_update(complaint=case, actor=clerk, closed_on=closed_on)
    record.refresh_from_db()
    return record


def two_witnesses(user: Any = None, *, unit: str = "纪检监察室") -> list[Any]:
    """Two witnesses (监销人) with drawn signatures: a user of the system (the auditor unless
    ``user`` is given) and a named person without an account."""
    from django.contrib.auth import get_user_model

    from retention.services.witnesses import WitnessSignature
    from tests.factories import UserFactory
    from tests.lending.helpers import signature_png

    if user is None:
        user = get_user_model().objects.filter(username="witness").first() or (
            UserFactory.create(username="witness", first_name="明", last_name="李")
        )
    return [
        WitnessSignature(png=signature_png(1), user=user),
        WitnessSignature(png=signature_png(2), name="赵六", unit=unit),
    ]


def confirm_post(client: Any, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Post like a user who reads the confirmation page and confirms: the first POST must
    answer the preview (nothing done yet), the second carries its token."""
    import re

    preview = client.post(url, data or {})
    assert preview.status_code == 200, preview.status_code
    token = re.search(r'name="confirm" value="([^"]+)"', preview.content.decode())
    assert token, "no confirmation page"
    return client.post(url, {**(data or {}), "confirm": token.group(1)}, **kw)


def pad_value(png: bytes) -> str:
    """What the signature pad's script puts in its hidden field."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin")
    )
