"""Headers, sign-in throttling, session expiry and safe downloads."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from records_dms.accounts import roles
from records_dms.accounts.models import LoginFailure
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import UserFactory, file_pdf

pytestmark = pytest.mark.django_db
LOGIN = "wagtailadmin_login"


def test_pages_carry_a_content_security_policy_that_keeps_everything_on_the_archive(
    users: dict[str, Any],
) -> None:
    for response in (
        Client().get(reverse(LOGIN)),
        client_for(users[roles.AUDITOR]).get(reverse("archive:search"), {"q": "投诉"}),
    ):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def sign_in(client: Client, password: str) -> Any:
    return client.post(reverse(LOGIN), {"username": "clerk2", "password": password})


def test_too_many_failed_sign_ins_lock_the_name_for_a_while_and_are_audited(
    settings: Any,
) -> None:
    UserFactory.create(username="clerk2", role=roles.CLERK, password="correct horse 2024")
    client = Client()
    assert sign_in(client, "correct horse 2024").status_code == 302  # works, then forgets
    client = Client()
    for _ in range(settings.SECURITY.login_max_failures):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with an error
    locked = sign_in(client, "correct horse 2024")
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=events.LOGIN_LOCKED, actor_name="clerk2").exists()
    token = Client().post(
        reverse("api:token"), {"username": "clerk2", "password": "correct horse 2024"}
    )
    assert token.status_code == 400  # the API's way in is throttled too
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(hours=1))
    assert sign_in(Client(), "correct horse 2024").status_code == 302


def test_sessions_expire_when_idle_and_at_browser_close(
    users: dict[str, Any], settings: Any
) -> None:
    client = client_for(users[roles.CLERK])
    client.get(reverse("wagtailadmin_home"))
    assert client.session.get_expiry_age() == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST


def test_downloads_are_attachments_with_chinese_names_encoded(customer: Any, clerk: Any) -> None:
    record = file_pdf(customer, actor=clerk)
    response = client_for(clerk).get(reverse("archive:record_download", args=[record.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%8A%95%E8%AF%89%E7%99%BB%E8%AE%B0.pdf" in disposition
