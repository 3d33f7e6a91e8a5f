import io
import uuid

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from tests.factories import CustomerFactory, make_pdf, make_record

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_token_is_issued_for_username_and_password(clerk):
    response = APIClient().post(
        reverse("api:token"), {"username": "clerk", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert Token.objects.get(user=clerk).key == response.json()["token"]


def test_anonymous_gets_401(customer):
    assert APIClient().get(reverse("api:record-list")).status_code == 401


def test_lists_are_trimmed_to_the_users_grants(users, customer, clerk):
    other = CustomerFactory.create(code="KH-0202")
    mine = make_record(customer, confidentiality="internal")
    make_record(customer, confidentiality="confidential")
    make_record(other)
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    client = token_client(staff)
    records = client.get(reverse("api:record-list")).json()
    assert records["count"] == 1
    assert records["results"][0]["reference"] == mine.reference
    customers = client.get(reverse("api:customer-list")).json()
    assert [c["code"] for c in customers["results"]] == ["KH-0101"]
    assert client.get(reverse("api:customer-detail", args=["KH-0202"])).status_code == 404


def test_upload_is_queued_and_its_job_leads_to_the_record(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    client = token_client(clerk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("api:record-list"),
            {
                "file": io.BytesIO(make_pdf()),
                "customer": "KH-0101",
                "type": "complaint",
                "title": "投诉登记",
                "document_date": "2024-05-06",
            },
            format="multipart",
        )
    # Accepted, not parsed: the web process only spooled the bytes and queued the job.
    assert response.status_code == 202, response.content
    accepted = response.json()
    assert accepted["status"] == "queued" and accepted["reference"] is None
    assert response["Location"] == accepted["status_url"]
    assert accepted["status_url"] == reverse("api:job-detail", args=[accepted["id"]])
    assert not Record.objects.exists()
    assert len(queued) == 1
    queued[0]()  # the worker runs the job
    job = client.get(accepted["status_url"]).json()
    assert job["status"] == "filed", job
    assert job["reference"] == "KH-0101-TS-2024-0001"
    assert job["file"] == accepted["file"]
    detail = (
        token_client(users[roles.AUDITOR])
        .get(reverse("api:record-detail", args=[job["record_id"]]))
        .json()
    )
    assert detail["reference"] == job["reference"]
    assert detail["pages"][0]["source"] == "text_layer"
    assert "保存期限为3年" in detail["pages"][0]["text"]
    assert AuditEvent.objects.filter(action="record.viewed", actor_name="auditor").exists()


def test_a_job_is_shown_only_to_who_may_file_into_its_dossier(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    filer = token_client(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = filer.post(
            reverse("api:record-list"),
            {"file": io.BytesIO(make_pdf()), "customer": "KH-0101", "type": "minutes"},
            format="multipart",
        )
    url = response.json()["status_url"]
    assert filer.get(url).json()["status"] == "filed"
    assert token_client(users[roles.AUDITOR]).get(url).status_code == 403
    assert token_client(users[roles.STAFF]).get(url).status_code == 403
    assert APIClient().get(url).status_code == 401
    unknown = reverse("api:job-detail", args=[uuid.uuid4()])
    assert filer.get(unknown).status_code == 404


def test_upload_to_unknown_customer_or_empty_file_is_refused(clerk, customer):
    client = token_client(clerk)
    response = client.post(
        reverse("api:record-list"),
        {
            "file": io.BytesIO(make_pdf()),
            "customer": "KH-4040",
            "type": "minutes",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "customer" in response.json()
    empty = io.BytesIO(b"")
    empty.name = "空白.pdf"
    response = client.post(
        reverse("api:record-list"),
        {
            "file": empty,
            "customer": "KH-0101",
            "type": "minutes",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "空白.pdf" in response.json()["file"][0]
    assert not Record.objects.exists()


def test_openapi_schema_describes_the_endpoints():
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    schema = response.json()
    assert "/api/v1/records/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/records/"]
