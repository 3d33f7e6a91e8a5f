"""The words of the Chinese UI, one defect each (issue 15, "Chinese all the way").

Found by hand: the audit trail listed `record.viewed` and `search.performed`; the record history
showed `type: other → complaint_handling`; the users list called an active account 合作中; a
rejected destruction request read 已拒收 (an upload's word); schedules were named in both
languages at once; the register printed loan kinds as `paper`; people were shown by user name,
Chinese names not family name first; the account page refused a language switch until 名 and 姓
were filled.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from records_dms.accounts import roles
from records_dms.archive.searching import record_search
from records_dms.archive.services import record_update
from records_dms.common.events import event_label, registered_events
from records_dms.common.people import display_name
from retention.models import RetentionSchedule
from retention.services.destruction import destruction_request_propose, destruction_request_reject
from tests.factories import make_record
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db


def zh_client(user: Any, settings: Any) -> Client:
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("伟", "张", "张伟"), ("Wei", "Zhang", "Wei Zhang"), ("", "欧阳", "欧阳"), ("", "", "clerk9")],
)
def test_display_name_puts_a_chinese_family_name_first(first: str, last: str, shown: str) -> None:
    user = SimpleNamespace(first_name=first, last_name=last, get_username=lambda: "clerk9")
    assert display_name(user) == shown
    assert display_name(None) == ""


def test_every_event_of_every_app_has_a_chinese_label() -> None:
    events = registered_events()
    assert len(events) > 60  # audit, archive, lending, reports, fixity, retention
    with translation.override("zh-hans"):
        assert event_label("record.viewed") == "查看文件"
        assert event_label("search.performed") == "全文检索"
        assert event_label("destruction.rejected") == "驳回销毁申请"
        english = [name for name, label in events.items() if str(label).isascii()]
    assert english == []


def test_the_audit_trail_shows_labels_people_and_the_words_searched(
    settings: Any, users: dict[str, Any], customer: Any, clerk: Any
) -> None:
    clerk.first_name, clerk.last_name = "伟", "张"
    clerk.save()
    record = make_record(customer, actor=clerk)
    client = zh_client(clerk, settings)
    client.get(reverse("archive:record", args=[record.pk]))
    record_search(user=clerk, text="维修合同")
    page = zh_client(users[roles.AUDITOR], settings).get(reverse("audit:audit")).content.decode()
    assert "查看文件" in page and "全文检索" in page and "“维修合同”" in page
    assert "张伟" in page
    assert "record.viewed" not in page and "search.performed" not in page


def test_the_record_history_names_fields_and_values(
    settings: Any, customer: Any, clerk: Any
) -> None:
    record = make_record(customer, actor=clerk, type="other", title="旧题名")
    record_update(record=record, actor=clerk, type="complaint_handling", language="en")
    page = zh_client(clerk, settings).get(reverse("archive:record", args=[record.pk]))
    history = page.content.decode().split("record-history", 1)[1]
    assert "文件类型" in history and "其他" in history and "投诉处理记录" in history
    assert "简体中文" in history and "英语" in history
    for code in ("complaint_handling", "zh-hans", "<td>type</td>", "<td>other</td>"):
        assert code not in history


def test_an_active_user_is_enabled_and_an_active_customer_in_partnership(
    settings: Any, users: dict[str, Any], customer: Any
) -> None:
    client = zh_client(users[roles.ADMINISTRATOR], settings)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "已启用" in listing and "合作中" not in listing
    with translation.override("zh-hans"):
        assert str(customer.get_status_display()) == "合作中"


def test_a_rejected_destruction_request_is_rejected_not_refused_receipt(
    settings: Any, users: dict[str, Any], customer: Any, clerk: Any
) -> None:
    request = destruction_request_propose(
        records=[closed_complaint_record(customer, clerk)], actor=clerk
    )
    destruction_request_reject(request=request, actor=users[roles.COMPLIANCE], reason="仍需保留")
    client = zh_client(users[roles.COMPLIANCE], settings)
    for url in (reverse("retention:requests"), reverse("retention:request", args=[request.pk])):
        page = client.get(url).content.decode()
        assert "已驳回" in page and "已拒收" not in page, url


def test_a_schedule_is_named_in_the_screen_language(settings: Any) -> None:
    schedule = RetentionSchedule(code="complaint", name="投诉档案 Complaint records")
    with translation.override("zh-hans"):
        assert str(schedule) == "投诉档案"
    with translation.override("en"):
        assert str(schedule) == "Complaint records"
    assert str(RetentionSchedule(code="x", name="单一名称")) == "单一名称"


def test_the_account_page_switches_language_without_a_name(
    settings: Any, users: dict[str, Any]
) -> None:
    user = users[roles.STAFF]
    assert not user.first_name and not user.last_name
    client = zh_client(user, settings)
    page = client.get(reverse("wagtailadmin_account")).content.decode()
    # 姓 before 名 in Chinese, neither required.
    assert page.index('name="name_email-last_name"') < page.index('name="name_email-first_name"')
    response = client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "",
            "name_email-last_name": "",
            "name_email-email": user.email,
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.wagtail_userprofile.refresh_from_db()
    assert user.wagtail_userprofile.preferred_language == "en"
