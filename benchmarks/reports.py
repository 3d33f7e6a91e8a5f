"""The QMS views at archive scale: dashboard panels and exports against a generated archive.

Creates, in a temporary data dir, C customers with R records (bulk inserted: this measures
reads, not filing), K complaint cases over three years and a survey with results per customer
and year, then times each auditor/clerk/compliance panel, the complaint register as XLSX, a
400-record catalogue as PDF and XLSX, and the yearly summary.

    .venv/bin/python benchmarks/reports.py [--records 50000] [--cases 5000]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def timed(label: str, fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"| {label} | {best * 1000:.0f} ms |")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=5_000)
    args = parser.parse_args()
    os.environ["DMS_DATA_DIR"] = tempfile.mkdtemp(prefix="dms-bench-reports-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    os.environ.setdefault("DMS_LANGUAGE", "zh-hans")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from records_dms.accounts import roles
    from records_dms.accounts.models import Clearance
    from records_dms.archive.models import ComplaintCase, Customer, Record, Volume
    from records_dms.reports import builtin_panels
    from records_dms.reports.admin import views
    from records_dms.reports.models import SurveyAnswer, SurveyResult

    rng = random.Random(1)  # noqa: S311 (test data)
    today = timezone.localdate()
    auditor = User.objects.create(username="auditor")
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    Clearance.objects.create(user=auditor, level="secret")
    clerk = User.objects.create(username="clerk")
    clerk.groups.add(Group.objects.get(name=roles.CLERK))
    customers = Customer.objects.bulk_create(
        Customer(code=f"KH-{n:04d}", name=f"客户{n}有限公司") for n in range(args.customers)
    )
    volumes = Volume.objects.bulk_create(
        Volume(customer=c, number=1, title="往来文件") for c in customers
    )
    types = ["contract", "minutes", "phone_record", "email", "complaint", "feedback"]
    started = time.perf_counter()

    def day() -> datetime.date:
        return today - datetime.timedelta(days=rng.randrange(3 * 365))

    records = []
    for n in range(args.records):
        index = rng.randrange(len(customers))
        when = day()
        records.append(
            Record(
                customer=customers[index],
                volume=volumes[index] if rng.random() < 0.5 else None,
                reference=f"R-{n:07d}",
                type=rng.choice(types),
                title=f"文件{n}",
                document_date=when,
                received_date=when,
                state="filed",
                confidentiality=rng.choice(["internal", "internal", "confidential", "secret"]),
            )
        )
    Record.objects.bulk_create(records, batch_size=2000)
    cases = []
    for n in range(args.cases):
        opened = day()
        closed = opened + datetime.timedelta(days=rng.randrange(60))
        channel = rng.choice(["forwarded_phone", "forwarded_online", "forwarded_visit", "direct"])
        cases.append(
            ComplaintCase(
                customer=rng.choice(customers),
                register="direct" if channel == "direct" else "forwarded",
                number=f"C-{n:06d}",
                channel=channel,
                severity="normal",
                subject="投诉",
                opened_on=opened,
                closed_on=closed if closed <= today and rng.random() < 0.8 else None,
            )
        )
    ComplaintCase.objects.bulk_create(cases, batch_size=2000)
    surveys = Record.objects.bulk_create(
        Record(
            customer=c,
            reference=f"S-{c.code}-{year}",
            type="survey",
            title="满意度调查",
            document_date=datetime.date(year, 6, 30),
            received_date=datetime.date(year, 6, 30),
            state="filed",
        )
        for c in customers
        for year in (today.year - 2, today.year - 1)
    )
    results = SurveyResult.objects.bulk_create(
        SurveyResult(record=r, overall=rng.randrange(70, 100)) for r in surveys
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(result=r, position=p, question=f"问题{p}", score=r.overall)
        for r in results
        for p in range(1, 6)
    )
    print(f"generated in {time.perf_counter() - started:.1f} s\n")
    big = customers[0]
    Record.objects.filter(pk__in=[r.pk for r in records[:400]]).update(customer=big, volume=None)

    print(f"{args.records} records, {args.cases} complaint cases, {args.customers} customers\n")
    print("| what | best of 3 |\n|---|---|")
    for name in (
        "complaints_by_channel",
        "complaints_by_severity",
        "complaint_close_times",
        "satisfaction_overview",
        "records_filed",
        "confidentiality_overview",
    ):
        timed(f"panel {name} (auditor)", functools.partial(getattr(builtin_panels, name), auditor))
    timed("panel ingestion_queue (clerk)", lambda: builtin_panels.ingestion_queue(clerk))
    factory = RequestFactory()

    def get(view: Callable[..., Any], path: str, **kwargs: Any) -> Any:
        request = factory.get(path)
        request.user = auditor
        return view(request, **kwargs)

    timed(
        f"complaint register XLSX ({args.cases} cases)",
        lambda: get(views.complaint_register_export, "/?format=xlsx"),
        repeat=1,
    )
    timed(
        "catalogue PDF (400+ records)",
        lambda: get(views.catalogue_export, "/?format=pdf", pk=big.pk),
        repeat=1,
    )
    timed(
        "catalogue XLSX (400+ records)",
        lambda: get(views.catalogue_export, "/?format=xlsx", pk=big.pk),
        repeat=1,
    )
    timed("yearly summary PDF", lambda: get(views.yearly_summary_export, "/?format=pdf"))


if __name__ == "__main__":
    main()
