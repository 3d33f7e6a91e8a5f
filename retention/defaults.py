"""The default retention schedules (README shows them as a table; keep the two in step)."""

from __future__ import annotations

from typing import Any

DEFAULT_SCHEDULES: list[dict[str, Any]] = [
    {
        "code": "complaint",
        "name": "投诉档案 Complaint records",
        "record_types": ["complaint", "complaint_handling"],
        "complaint_severity": "",
        "trigger": "case_closed",
        "period_years": 3,
    },
    {
        "code": "complaint-major",
        "retention_class": "D10",
        "name": "重大投诉档案 Major complaint records",
        "record_types": ["complaint", "complaint_handling"],
        "complaint_severity": "major",
        "trigger": "case_closed",
        "period_years": 10,
    },
    {
        "code": "contract",
        "retention_class": "D10",
        "name": "合同及合同变更 Contracts and amendments",
        "record_types": ["contract", "contract_amendment"],
        "complaint_severity": "",
        "trigger": "contract_ended",
        "period_years": 10,
    },
    {
        "code": "minutes",
        "retention_class": "D10",
        "name": "会议纪要 Meeting minutes",
        "record_types": ["minutes"],
        "complaint_severity": "",
        "trigger": "document_date",
        "period_years": 10,
    },
    {
        "code": "correspondence",
        "name": "电话记录、电子邮件、满意度调查 Phone records, emails, surveys",
        "record_types": ["phone_record", "email", "survey"],
        "complaint_severity": "",
        "trigger": "document_date",
        "period_years": 3,
    },
    {
        "code": "customer",
        "name": "客户层面文件 Customer-level records",
        "record_types": ["feedback", "other"],
        "complaint_severity": "",
        "trigger": "relationship_ended",
        "period_years": 5,
    },
    {
        "code": "archive-permanent",
        "name": "销毁记录(永久保存) Certificates of destruction (kept permanently)",
        "record_types": ["destruction_certificate"],
        "complaint_severity": "",
        "trigger": "document_date",
        "period_years": 0,
        "disposition": "keep_permanently",
        "retention_class": "Y",
    },
]


def schedules_ensure(apps: Any) -> None:
    """Create the default schedules that are missing; an administrator's edits are kept."""
    model = apps.get_model("retention", "RetentionSchedule")
    # A migration before 0005 sees the model without its retention class: leave that out.
    known = {field.name for field in model._meta.get_fields()}
    for default in DEFAULT_SCHEDULES:
        values = {
            "disposition": "review",
            **{k: v for k, v in default.items() if k != "code" and k in known},
        }
        model.objects.get_or_create(code=default["code"], defaults=values)
