"""Headers, sign-in throttling, session expiry and safe downloads."""

from __future__ import annotations

import datetime
from dataclasses import replace
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


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    settings: Any, tmp_path: Any
) -> None:
    """60 attempts at once, from 6 processes: only LOGIN_MAX_FAILURES passwords are checked."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connection

    from tests.concurrency import database_url_of, sign_in_attempts

    UserFactory.create(username="clerk2", role=roles.CLERK, password="correct horse 2024")
    url = database_url_of(connection.settings_dict)
    with ProcessPoolExecutor(6, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(sign_in_attempts, url, str(tmp_path), "clerk2", 10) for _ in range(6)
        ]
        checked = sum(future.result(timeout=300) for future in futures)
    assert checked == settings.SECURITY.login_max_failures


def test_one_address_cannot_lock_out_every_account(settings: Any) -> None:
    """An address that fails too often is refused itself; the accounts it tried stay usable
    from elsewhere once it stops counting against them."""
    settings.SECURITY = replace(settings.SECURITY, login_max_failures_per_address=8)
    victims = [f"user{n}" for n in range(4)]
    for name in victims:
        UserFactory.create(username=name, role=roles.STAFF, password="correct horse 2024")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    answers = [
        attacker.post(reverse(LOGIN), {"username": name, "password": "wrong"})
        for name in victims
        for _ in range(3)
    ]
    assert all(a.status_code == 200 for a in answers)
    # 8 failures counted from that address: the 9th and later were refused unchecked.
    assert LoginFailure.objects.filter(address="203.0.113.9").count() == 12
    locked = AuditEvent.objects.filter(action=events.LOGIN_LOCKED)
    assert locked.count() == 4 and {e.data["address"] for e in locked} == {"203.0.113.9"}
    # user0 and user1 took 3 failures each (under the per-name limit of 5): they sign in.
    office = Client(REMOTE_ADDR="198.51.100.7")
    ok = office.post(reverse(LOGIN), {"username": "user0", "password": "correct horse 2024"})
    assert ok.status_code == 302
    # The attacker's address stays refused even with a right password.
    again = attacker.post(reverse(LOGIN), {"username": "user1", "password": "correct horse 2024"})
    assert again.status_code == 200 and "_auth_user_id" not in attacker.session
