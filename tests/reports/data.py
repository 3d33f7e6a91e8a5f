"""Generated archive data for the QMS views: complaints, surveys, records and jobs of this year."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ingestion.models import IngestionJob, JobStatus
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import ComplaintCase, ComplaintChannel, Customer, Record, Severity
from records_dms.archive.services import complaint_open, complaint_update
from records_dms.reports.services import survey_results_set
from tests.factories import CustomerFactory, make_record

SUBJECTS = ["维修响应慢", "账单有误", "服务态度差", "交付延误", "资料缺失", "噪音扰民"]
TYPES = ["contract", "minutes", "phone_record", "email", "feedback", "complaint_handling"]


@dataclass
class World:
    customers: list[Customer]
    cases: list[ComplaintCase]
    records: list[Record]
    surveys: list[Record] = field(default_factory=list)


def generate(actor: Any, *, seed: int = 7, customers: int = 4, cases: int = 30) -> World:
    """Complaints, records and surveys spread over this year (and last year's surveys)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    year = today.year
    people = [CustomerFactory.create() for _ in range(customers)]

    def day_this_year() -> datetime.date:
        return datetime.date(year, 1, 1) + datetime.timedelta(
            days=rng.randrange((today - datetime.date(year, 1, 1)).days + 1)
        )

    made_cases = []
    for n in range(cases):
        opened = day_this_year()
        case = complaint_open(
            customer=rng.choice(people),
            channel=rng.choice(ComplaintChannel.values),
            subject=f"{rng.choice(SUBJECTS)} {n}",
            opened_on=opened,
            severity=Severity.MAJOR if rng.random() < 0.2 else Severity.NORMAL,
            actor=actor,
        )
        if rng.random() < 0.7:
            closed = min(opened + datetime.timedelta(days=rng.randrange(0, 40)), today)
            case = complaint_update(complaint=case, closed_on=closed, outcome="已回访", actor=actor)
        made_cases.append(case)

    records = []
    for n in range(40):
        customer = rng.choice(people)
        record = make_record(
            customer,
            type=rng.choice(TYPES),
            title=f"文件 {n}",
            document_date=day_this_year(),
            confidentiality=rng.choice(Confidentiality.values),
            actor=actor,
        )
        records.append(record)
    for case in made_cases[:10]:
        records.append(
            make_record(
                case.customer,
                type="complaint",
                title=f"投诉登记 {case.number}",
                document_date=case.opened_on,
                complaint=case,
                actor=actor,
            )
        )
    # Spread the filing dates over the months up to now.
    for record in records:
        filed = timezone.make_aware(
            datetime.datetime.combine(day_this_year(), datetime.time(10, rng.randrange(60)))
        )
        Record.objects.filter(pk=record.pk).update(created_at=filed)

    surveys = []
    # Every customer but the last has surveys; the first is below target this year.
    for index, customer in enumerate(people[:-1]):
        for survey_year, month in ((year - 1, 11), (year, 1)):
            record = make_record(
                customer,
                type="survey",
                title=f"{survey_year}年度满意度调查",
                document_date=datetime.date(survey_year, month, 15),
                actor=actor,
            )
            base = 70 if index == 0 and survey_year == year else 90
            survey_results_set(
                record=record,
                answers=[("服务态度", base + rng.randrange(5)), ("响应速度", base)],
                actor=actor,
            )
            surveys.append(record)

    for n, status in enumerate(
        [JobStatus.QUEUED, JobStatus.FAILED, JobStatus.FAILED, JobStatus.REJECTED]
    ):
        IngestionJob.objects.create(
            customer=people[0],
            record_type="minutes",
            original_name=f"扫描件{n}.pdf",
            status=status,
            reason="OSError: disk full" if status == JobStatus.FAILED else "",
        )
    return World(people, made_cases, records, surveys)
