"""Factories for tests; records are made through the filing service so they get references."""

from __future__ import annotations

import datetime
import io
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User

from ingestion.services import record_file
from records_dms.accounts.models import Clearance
from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Customer, Record
from records_dms.archive.services import record_create
from records_dms.common.pdfrender import render_text_pdf

SEED_LINES = [
    "顾客投诉处理过程中形成的记录,均为该投诉的档案。",
    "顾客投诉处理完毕后,应将顾客投诉档案做好记录保存。一般保存期限为3年。",
    "由公司转呈的投诉(电话、网上投诉、来访等)与管理处接收的投诉要进行分开记录。",
    "重大投诉应单独立卷保存。",
]


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def role(self: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def clearance(self: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if extracted:
            Clearance.objects.update_or_create(user=self, defaults={"level": extracted})
        self.save()


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    # Codes from KH-5001 up: tests name fixed customers below that (the `customer`
    # fixture is KH-0101), and the sequence runs for the whole session.
    code = factory.Sequence(lambda n: f"KH-{n + 5001:04d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    industry = "制造业"
    region = "华东"


def make_record(
    customer: Customer,
    *,
    type: str = "minutes",
    title: str = "会议纪要",
    document_date: datetime.date = datetime.date(2024, 3, 1),
    confidentiality: str = Confidentiality.INTERNAL,
    actor: Any = None,
    **fields: Any,
) -> Record:
    """A record without an original (metadata only), through the real service."""
    return record_create(
        customer=customer,
        type=type,
        title=title,
        document_date=document_date,
        confidentiality=confidentiality,
        actor=actor,
        **fields,
    )


def make_pdf(lines: list[str] | None = None, title: str = "顾客投诉档案管理") -> bytes:
    return render_text_pdf(title, [lines or SEED_LINES])


def file_pdf(
    customer: Customer, *, actor: Any = None, lines: list[str] | None = None, **fields: Any
) -> Record:
    """File a real PDF rendered now from seed text."""
    fields.setdefault("type", "complaint")
    fields.setdefault("title", "顾客投诉登记")
    fields.setdefault("document_date", datetime.date(2024, 5, 6))
    return record_file(
        customer=customer,
        stream=io.BytesIO(make_pdf(lines)),
        filename="投诉登记.pdf",
        actor=actor,
        **fields,
    )
