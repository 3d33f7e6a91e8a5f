"""Issue 15, "Per-file type in a batch": each file of an upload may carry its own record type
(and title); the batch's choice is only the default. Without JavaScript the page posts every
file at once with one type for all."""

from __future__ import annotations

import dataclasses
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ingestion.models import IngestionJob
from records_dms.accounts import roles
from records_dms.archive.models import Record
from tests.conftest import client_for
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db


def post_file(client, customer, batch, name, content, **fields):
    data = {
        "record_type": "complaint",
        "confidentiality": "internal",
        "batch": str(batch),
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(reverse("ingestion:upload", args=[customer.pk]), data)


def _file_two(client, customer, on_commit):
    """A batch whose type is complaint: one file as minutes (and its own title), one as a
    contract, and a third left at the batch's choice."""
    batch = uuid.uuid4()
    posts = [
        ("纪要.pdf", ["第一份", "会议"], {"file_record_type": "minutes", "file_title": "三月例会"}),
        ("合同.pdf", ["第二份", "合同条款"], {"file_record_type": "contract"}),
        ("投诉.pdf", ["第三份", "投诉内容"], {"file_record_type": ""}),
    ]
    for name, lines, fields in posts:
        with on_commit(execute=True):
            response = post_file(client, customer, batch, name, make_pdf(lines), **fields)
        assert response.status_code == 200, response.content
    return {job.original_name: job.record for job in IngestionJob.objects.filter(batch=batch)}


def test_each_file_of_a_batch_is_filed_as_its_own_type(
    customer, clerk, django_capture_on_commit_callbacks
):
    records = _file_two(client_for(clerk), customer, django_capture_on_commit_callbacks)
    minutes, contract, complaint = records["纪要.pdf"], records["合同.pdf"], records["投诉.pdf"]
    assert (minutes.type, contract.type, complaint.type) == ("minutes", "contract", "complaint")
    # The reference number follows the file's own type (the type code of the customer rule).
    assert re.fullmatch(rf"{customer.code}-JY-\d{{4}}-0001", minutes.reference)
    assert re.fullmatch(rf"{customer.code}-HT-\d{{4}}-0001", contract.reference)
    assert re.fullmatch(rf"{customer.code}-TS-\d{{4}}-0001", complaint.reference)
    assert minutes.title == "三月例会"
    assert contract.title != "三月例会"


def test_under_the_dat22_rule_the_reference_follows_the_files_type_too(
    settings, customer, clerk, django_capture_on_commit_callbacks
):
    settings.REFERENCES = dataclasses.replace(
        settings.REFERENCES, rule="dat22", fonds_code="Q001", class_code="type"
    )
    records = _file_two(client_for(clerk), customer, django_capture_on_commit_callbacks)
    assert "-JY-" in records["纪要.pdf"].reference
    assert "-HT-" in records["合同.pdf"].reference
    assert "-TS-" in records["投诉.pdf"].reference


def test_a_files_own_type_may_be_auto_and_stands_in_for_an_empty_batch_type(
    customer, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        auto = post_file(
            client,
            customer,
            batch,
            "a.pdf",
            make_pdf(["会议纪要", "议题"], title="会议纪要"),
            record_type="",
            file_record_type="auto",
        )
    assert auto.status_code == 200, auto.content
    assert Record.objects.get().type == "minutes"  # from the file's title


def test_an_invalid_per_file_type_is_refused_naming_the_file(customer, clerk):
    client = client_for(clerk)
    response = post_file(
        client, customer, uuid.uuid4(), "报价单.pdf", make_pdf(), file_record_type="nonsense"
    )
    assert response.status_code == 400
    (message,) = response.json()["errors"]["file_record_type"]
    assert message.startswith("报价单.pdf: record type of this file: ")
    assert "nonsense" in message
    # Neither the batch nor the file says a type: refused, naming the file as well.
    response = post_file(client, customer, uuid.uuid4(), "无类型.pdf", make_pdf(), record_type="")
    assert response.status_code == 400
    assert response.json()["errors"]["record_type"][0].startswith("无类型.pdf: record type: ")
    assert not IngestionJob.objects.exists()
    assert not Record.objects.exists()


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.COMPLIANCE, roles.STAFF])
def test_a_per_file_type_is_no_way_round_the_permission(role, users, customer):
    response = post_file(
        client_for(users[role]),
        customer,
        uuid.uuid4(),
        "a.pdf",
        make_pdf(),
        file_record_type="minutes",
    )
    assert response.status_code in (302, 403, 404)
    assert not IngestionJob.objects.exists()


def test_without_javascript_every_file_is_posted_at_once_with_one_type(
    customer, clerk, users, django_capture_on_commit_callbacks
):
    url = reverse("ingestion:upload", args=[customer.pk])
    files = [
        SimpleUploadedFile("一.pdf", make_pdf(["第一份", "内容"])),
        SimpleUploadedFile("二.pdf", make_pdf(["第二份", "内容"])),
    ]
    data = {
        "record_type": "minutes",
        "confidentiality": "internal",
        "send": "all",
        "upload_files": files,
    }
    assert client_for(users[roles.AUDITOR]).post(url, data).status_code in (302, 403, 404)
    assert not IngestionJob.objects.exists()
    for upload in files:
        upload.seek(0)
    client = client_for(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    batch = IngestionJob.objects.values_list("batch", flat=True).distinct().get()
    assert response["Location"] == f"{url}?batch={batch}"
    assert sorted(Record.objects.values_list("type", flat=True)) == ["minutes", "minutes"]
    page = client.get(response["Location"]).content.decode()
    assert f'data-batch="{batch}"' in page
    for record in Record.objects.all():
        assert record.reference in page and 'data-status="filed"' in page


def test_without_javascript_no_file_or_no_type_shows_the_page_with_the_reasons(customer, clerk):
    url = reverse("ingestion:upload", args=[customer.pk])
    response = client_for(clerk).post(url, {"confidentiality": "internal", "send": "all"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one file." in page
    assert 'id="upload-files" name="upload_files" multiple' in page
    upload = SimpleUploadedFile("a.pdf", make_pdf())
    no_type = {"confidentiality": "internal", "send": "all", "upload_files": upload}
    response = client_for(clerk).post(url, no_type)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not IngestionJob.objects.exists()


def test_another_customers_batch_is_not_shown(customer, clerk, django_capture_on_commit_callbacks):
    from tests.factories import CustomerFactory

    other = CustomerFactory.create()
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client_for(clerk), other, batch, "别家.pdf", make_pdf())
    url = reverse("ingestion:upload", args=[customer.pk])
    page = client_for(clerk).get(url, {"batch": str(batch)}).content.decode()
    assert "别家.pdf" not in page
    assert client_for(clerk).get(url, {"batch": "not-a-uuid"}).status_code == 200
