from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from search import analysis, reset_backends
from tests.factories import CustomerFactory, UserFactory

ROLE_CLEARANCE = {
    roles.CLERK: Confidentiality.SECRET,
    roles.AUDITOR: Confidentiality.SECRET,
    roles.COMPLIANCE: Confidentiality.SECRET,
    roles.STAFF: Confidentiality.INTERNAL,
    roles.ADMINISTRATOR: Confidentiality.INTERNAL,
}
ROLE_USERNAMES = {
    roles.CLERK: "clerk",
    roles.AUDITOR: "auditor",
    roles.COMPLIANCE: "compliance",
    roles.STAFF: "staff",
    roles.ADMINISTRATOR: "admin",
}


@pytest.fixture(autouse=True, scope="session")
def _jieba_loaded(tmp_path_factory: Any) -> None:
    """Load jieba's dictionary once per test process, not inside the first timed request."""
    analysis.configure(tmp_path_factory.getbasetemp() / "jieba-cache")
    analysis.warm_up()


@pytest.fixture(autouse=True)
def _isolated_media_and_tasks(settings: Any, tmp_path: Any, tmp_path_factory: Any) -> Any:
    """Each test stores originals in its own folder and runs tasks at once."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "en"
    # Hashing stays real in production; tests need not spend a second per user on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test its own search index; jieba's dictionary cache is shared (read-only after).
    settings.SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.sqlite.SqliteBackend",
            "PATH": tmp_path / "search.sqlite3",
            "CACHE_DIR": tmp_path_factory.getbasetemp() / "jieba-cache",
        }
    }
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def users(db: None) -> dict[str, Any]:
    """One user per role, with the clearance the demo gives that role."""
    return {
        role: UserFactory.create(username=name, role=role, clearance=ROLE_CLEARANCE[role])
        for role, name in ROLE_USERNAMES.items()
    }


@pytest.fixture
def clerk(users: dict[str, Any]) -> Any:
    return users[roles.CLERK]


@pytest.fixture
def customer(db: None) -> Any:
    return CustomerFactory.create(code="KH-0101", name="华东精密机械有限公司")


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
