"""Signatures and loans for lending tests, made through the real services."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from records_dms.lending.models import Loan
from records_dms.lending.services import loan_approve, loan_check_out, loan_request


def signature_png(seed: int = 0) -> bytes:
    """A PNG with a few pen strokes, as the signature pad sends it (transparent background)."""
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 30, 75 + ((i * 37 + seed * 11) % 50) - 25) for i in range(12)]
    draw.line(points, fill=(0, 0, 0, 255), width=3)
    draw.line([(40, 120), (360, 110 - seed % 20)], fill=(0, 0, 0, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def blank_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 150), (0, 0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def loan_out(
    record: Any, *, borrower: Any, approver: Any, clerk: Any, kind: str = "paper", **kwargs: Any
) -> Loan:
    """A loan requested, approved and checked out."""
    loan = loan_request(actor=borrower, items=[(record, kind)], purpose="审核准备", **kwargs)
    loan_approve(loan=loan, actor=approver)
    return loan_check_out(loan=loan, actor=clerk, signature=signature_png())
