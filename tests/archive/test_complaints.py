import datetime

import pytest
from django.core.exceptions import ValidationError

from records_dms.archive.models import ComplaintRegister, Severity
from records_dms.archive.selectors import complaint_registers
from records_dms.archive.services import complaint_open, complaint_update
from tests.factories import make_record

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 5, 6)


def test_major_complaint_gets_its_own_volume(customer, clerk):
    case = complaint_open(
        customer=customer,
        channel="direct",
        severity=Severity.MAJOR,
        subject="批量退货",
        opened_on=DAY,
        actor=clerk,
    )
    assert case.volume is not None
    assert case.volume.customer == customer
    record = make_record(customer, type="complaint", complaint=case)
    assert record.volume == case.volume


def test_raising_a_case_to_major_moves_its_records_into_a_new_volume(customer, clerk):
    case = complaint_open(
        customer=customer, channel="forwarded_phone", subject="维修慢", opened_on=DAY, actor=clerk
    )
    record = make_record(customer, type="complaint", complaint=case)
    assert case.volume is None and record.volume is None
    complaint_update(complaint=case, actor=clerk, severity=Severity.MAJOR)
    case.refresh_from_db()
    record.refresh_from_db()
    assert case.volume is not None
    assert record.volume == case.volume


def test_major_case_is_never_lowered(customer, clerk):
    case = complaint_open(
        customer=customer,
        channel="direct",
        severity=Severity.MAJOR,
        subject="x",
        opened_on=DAY,
        actor=clerk,
    )
    with pytest.raises(ValidationError):
        complaint_update(complaint=case, actor=clerk, severity=Severity.NORMAL)


def test_forwarded_and_direct_complaints_are_registered_separately(customer, clerk):
    forwarded = [
        complaint_open(customer=customer, channel=channel, subject="s", opened_on=DAY, actor=clerk)
        for channel in ("forwarded_phone", "forwarded_online", "forwarded_visit")
    ]
    direct = complaint_open(
        customer=customer, channel="direct", subject="s", opened_on=DAY, actor=clerk
    )
    assert [c.number for c in forwarded] == ["ZC-2024-0001", "ZC-2024-0002", "ZC-2024-0003"]
    assert direct.number == "ZS-2024-0001"
    registers = complaint_registers(customer)
    assert set(registers[ComplaintRegister.FORWARDED]) == set(forwarded)
    assert list(registers[ComplaintRegister.DIRECT]) == [direct]


def test_closing_before_opening_is_refused(customer, clerk):
    case = complaint_open(
        customer=customer, channel="direct", subject="s", opened_on=DAY, actor=clerk
    )
    with pytest.raises(ValidationError):
        complaint_update(complaint=case, actor=clerk, closed_on=DAY - datetime.timedelta(1))
