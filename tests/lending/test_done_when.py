"""Issue #6's "done when": a staff member borrows a paper complaint dossier and an electronic
contract copy, signs, opens the copy, returns both, and the printed register shows every step
with signatures that verify."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.fixity.verify import verify_all
from records_dms.lending.copies import copy_download
from records_dms.lending.exports import register_entries, register_pdf
from records_dms.lending.models import LoanItem
from records_dms.lending.services import loan_approve, loan_check_out, loan_request, loan_return
from tests.factories import file_pdf, make_record
from tests.lending.helpers import signature_png


@pytest.mark.django_db
def test_paper_dossier_and_electronic_contract_borrowed_signed_returned_and_printed(
    users, customer, clerk, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_record(customer, type="complaint", title="重大投诉案卷")
        contract = file_pdf(customer, actor=clerk, type="contract", title="年度服务合同")
    loan = loan_request(
        actor=staff, items=[(dossier, "paper"), (contract, "electronic")], purpose="外审准备"
    )
    loan_approve(loan=loan, actor=clerk)
    loan_check_out(loan=loan, actor=clerk, signature=signature_png(7))
    copy = copy_download(item=LoanItem.objects.get(loan=loan, kind="electronic"), actor=staff)
    with pdfplumber.open(io.BytesIO(copy.data)) as document:
        assert all(loan.number in (p.extract_text() or "") for p in document.pages)
    loan_return(loan=loan, actor=clerk, signature=signature_png(8))

    printed = register_pdf(register_entries())
    with pdfplumber.open(io.BytesIO(printed)) as document:
        text = "".join((p.extract_text() or "") for p in document.pages)
        images = sum(len(p.images) for p in document.pages)
    for step in ("已申请", "已批准", "已借出", "已归还"):
        assert step in text
    assert dossier.reference in text and contract.reference in text
    assert "链与签名已校验" in text  # the verdict printed under the register
    assert images == 2  # the borrower's and the receiver's hand signatures
    findings, counts = verify_all()
    assert findings == [] and counts["register_entries"] == 4
