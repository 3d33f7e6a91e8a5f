"""A destroyed record on screen: its page images go with it, its page shows the tombstone
(who destroyed it, when, under which request and certificate) and the catalogue tags it."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.pageimages import page_image_key
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from tests.conftest import client_for
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


def test_destruction_removes_page_images_and_leaves_a_tombstone_on_screen(users, customer, clerk):
    clerk.first_name, clerk.last_name = "伟", "张"
    clerk.save()
    doomed = closed_complaint_record(customer, clerk)
    image = reverse("archive:record_page_image", args=[doomed.pk, 1]) + "?size=thumb"
    auditor = client_for(users[roles.AUDITOR])
    assert auditor.get(image).status_code == 200
    kept_image = page_image_key(doomed, 1, "thumb")
    assert default_storage.exists(kept_image)

    request = destruction_request_propose(records=[doomed], actor=clerk, reason="保管期满")
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)

    assert not default_storage.exists(kept_image)
    assert auditor.get(image).status_code == 404
    html = auditor.get(reverse("archive:record", args=[doomed.pk])).content.decode()
    assert 'class="record-tombstone' in html and "No text extracted yet." not in html
    tombstone = html[html.index('class="record-tombstone') :]
    assert "张伟" in tombstone and request.number in tombstone
    certificate_link = reverse("retention:certificate", args=[request.pk])
    assert f'href="{certificate_link}"' in tombstone
    assert 'class="page-thumbnail"' not in html

    # Staff granted the customer see the tombstone, not the certificate (they may not open it).
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    staff_html = client_for(users[roles.STAFF]).get(reverse("archive:record", args=[doomed.pk]))
    text = staff_html.content.decode()
    assert request.certificate.number in text and certificate_link not in text

    dossier = auditor.get(reverse("archive:dossier", args=[customer.pk])).content.decode()
    row = dossier[dossier.index('class="record-destroyed"') :].split("</tr>")[0]
    destroyed_on = timezone.localtime(request.items.get().destroyed_at).date().isoformat()
    assert doomed.reference in row and "destroyed-tag" in row and destroyed_on in row
