"""A destruction request names only the records its viewer may see: one above the viewer's
clearance or in a dossier it may not open is a count, never its reference, title or SHA-256,
on the screens and in the API. The signed certificate, which cannot be trimmed, goes only to
who may see every record on it (issue 14, Leaks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.archive.services import record_update
from retention.models import DestructionRequest
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.sealing import dossier_seal
from tests.conftest import client_for
from tests.factories import CustomerFactory, UserFactory
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db

SECRET_TITLE = "并购谈判投诉(机密)"


def _secret(customer: Any, clerk: Any) -> Record:
    record = closed_complaint_record(customer, clerk, pdf=False)
    return record_update(
        record=record, actor=clerk, reason="重新定密", confidentiality="secret", title=SECRET_TITLE
    )


@pytest.fixture
def low_clerk() -> Any:
    return UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")


@pytest.fixture
def mixed(users: dict[str, Any], customer: Any, clerk: Any) -> dict[str, Any]:
    """A request holding a plain record, a secret one and one of a dossier sealed since."""
    plain = closed_complaint_record(customer, clerk, pdf=False)
    secret = _secret(customer, clerk)
    other = CustomerFactory.create(code="KH-0303")
    sealed = record_update(
        record=closed_complaint_record(other, clerk, pdf=False),
        actor=clerk,
        reason="更正标题",
        title="诉讼中客户的投诉",
    )
    request = destruction_request_propose(records=[plain, secret, sealed], actor=clerk)
    dossier_seal(customer=other, reason="诉讼保全", actor=users[roles.COMPLIANCE])
    return {"request": request, "plain": plain, "secret": secret, "sealed": sealed}


def _leaks(body: str, *records: Record) -> list[str]:
    return [s for r in records for s in (r.reference, r.title, r.sha256) if s and s in body]


def test_the_request_screen_names_only_what_the_viewer_may_see(
    mixed: dict[str, Any], low_clerk: Any, users: dict[str, Any]
) -> None:
    url = reverse("retention:request", args=[mixed["request"].pk])
    page = client_for(low_clerk).get(url).content.decode()
    assert mixed["plain"].reference in page
    assert _leaks(page, mixed["secret"], mixed["sealed"]) == []
    assert SECRET_TITLE not in page and "2 records you cannot see" in page
    # A clerk cleared for secret sees the secret record, not the sealed dossier's.
    page = client_for(users[roles.CLERK]).get(url).content.decode()
    assert mixed["secret"].reference in page and _leaks(page, mixed["sealed"]) == []
    assert "1 record you cannot see" in page
    # A compliance officer sees every one.
    page = client_for(users[roles.COMPLIANCE]).get(url).content.decode()
    assert mixed["sealed"].reference in page and "cannot see" not in page


def test_the_request_api_names_only_what_the_viewer_may_see(
    mixed: dict[str, Any], low_clerk: Any, users: dict[str, Any]
) -> None:
    client = client_for(low_clerk)
    listing = client.get(reverse("api:retention-destruction-list"))
    detail = client.get(reverse("api:retention-destruction-detail", args=[mixed["request"].pk]))
    for response in (listing, detail):
        assert response.status_code == 200
        assert _leaks(response.content.decode(), mixed["secret"], mixed["sealed"]) == []
    assert [i["reference"] for i in detail.json()["items"]] == [mixed["plain"].reference]
    assert detail.json()["hidden_items"] == 2
    every = client_for(users[roles.COMPLIANCE]).get(
        reverse("api:retention-destruction-detail", args=[mixed["request"].pk])
    )
    assert len(every.json()["items"]) == 3 and every.json()["hidden_items"] == 0


def test_the_certificate_goes_only_to_who_may_see_every_record_on_it(
    users: dict[str, Any], customer: Any, clerk: Any, low_clerk: Any
) -> None:
    plain = closed_complaint_record(customer, clerk, pdf=False)
    secret = _secret(customer, clerk)
    request = destruction_request_propose(records=[plain, secret], actor=clerk)
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    with TestCase.captureOnCommitCallbacks(execute=True):
        destruction_request_execute(request=request, actor=clerk, witnesses=two_witnesses())
    request = DestructionRequest.objects.get(pk=request.pk)
    certificate = request.certificate
    screen = reverse("retention:certificate", args=[request.pk])
    api = reverse("api:retention-certificate-download", args=[certificate.pk])
    low = client_for(low_clerk)
    page = low.get(reverse("retention:request", args=[request.pk])).content.decode()
    assert screen not in page and _leaks(page, secret) == []
    assert low.get(screen).status_code != 200
    assert low.get(api).status_code == 403
    cleared = client_for(clerk)
    assert screen in cleared.get(reverse("retention:request", args=[request.pk])).content.decode()
    assert cleared.get(screen).status_code == 200 and cleared.get(api).status_code == 200
    # Nor is it read as the record filed in the archive's own dossier: it is as secret as the
    # most secret record it names.
    filed = reverse("archive:record", args=[certificate.record_id])
    assert low.get(filed).status_code == 404 and cleared.get(filed).status_code == 200
