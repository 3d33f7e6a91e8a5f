"""Code run in separate processes by the concurrency tests, against the test database."""

from __future__ import annotations

import os


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["DMS_DATABASE_URL"] = database_url
    os.environ["DMS_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    import django

    django.setup()


def file_records(database_url: str, data_dir: str, customer_code: str, count: int) -> list[str]:
    """File ``count`` metadata-only records for one customer; return their references."""
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
