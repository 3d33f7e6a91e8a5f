"""Code run in separate processes by the concurrency tests, against the test database."""

from __future__ import annotations

import os


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["DMS_DATABASE_URL"] = database_url
    os.environ["DMS_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    import django

    django.setup()


def file_records(
    database_url: str,
    data_dir: str,
    customer_code: str,
    count: int,
    environ: dict[str, str] | None = None,
) -> list[str]:
    """File ``count`` metadata-only records for one customer; return their references.

    ``environ``: more ``DMS_*`` settings of the filing process (e.g. the reference rule)."""
    os.environ.update(environ or {})
    setup_django(database_url, data_dir)
    import datetime

    from records_dms.archive.models import Customer
    from records_dms.archive.services import record_create

    customer = Customer.objects.get(code=customer_code)
    return [
        record_create(
            customer=customer,
            type="complaint",
            title=f"并发{i}",
            document_date=datetime.date(2024, 6, 1),
            actor=None,
        ).reference
        for i in range(count)
    ]


def database_url_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = settings_dict.get("USER", ""), settings_dict.get("PASSWORD", "")
    host, port = settings_dict.get("HOST") or "localhost", settings_dict.get("PORT") or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


def sign_in_attempts(database_url: str, data_dir: str, username: str, count: int) -> int:
    """Try ``count`` wrong passwords the way every sign-in does (django's authenticate, which
    sends the failure signal); return how many passwords were actually checked."""
    setup_django(database_url, data_dir)
    from django.contrib.auth import authenticate
    from django.contrib.auth.base_user import AbstractBaseUser

    checked = 0
    real = AbstractBaseUser.check_password

    def counting(self: AbstractBaseUser, raw: str | None) -> bool:
        nonlocal checked
        checked += 1
        return real(self, raw)

    AbstractBaseUser.check_password = counting  # type: ignore[method-assign,assignment]
    for _ in range(count):
        assert authenticate(None, username=username, password="wrong") is None
    return checked
