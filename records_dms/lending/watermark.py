"""Visible watermarks on lent electronic copies: every PDF page and every image is stamped with
the borrower, the time and the loan's reference, so a copy that leaks says whose it was."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.colors import Color
from reportlab.pdfgen import canvas

from records_dms.common.pdfrender import WQY_ZENHEI, chinese_font


def _overlay(width: float, height: float, stamp: str) -> PdfReader:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    font = chinese_font()
    # A pale diagonal stamp across the page, and the full line legibly at the foot.
    sheet.saveState()
    sheet.setFillColor(Color(0.6, 0.6, 0.6, alpha=0.25))
    sheet.setFont(font, max(12.0, min(width, height) / 22))
    sheet.translate(width / 2, height / 2)
    sheet.rotate(35)
    sheet.drawCentredString(0, 0, stamp)
    sheet.restoreState()
    sheet.setFillColor(Color(1, 1, 1, alpha=0.85))
    sheet.rect(0, 0, width, 18, stroke=0, fill=1)
    sheet.setFillColor(Color(0.1, 0.1, 0.1))
    sheet.setFont(font, 8)
    sheet.drawString(12, 6, stamp)
    sheet.save()
    buffer.seek(0)
    return PdfReader(buffer)


def watermark_pdf(data: bytes, stamp: str) -> bytes:
    """The PDF with ``stamp`` on every page (each page's own size and rotation respected)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        page.transfer_rotation_to_content()
        box = page.mediabox
        overlay = _overlay(float(box.width), float(box.height), stamp).pages[0]
        if box.left or box.bottom:
            overlay.add_transformation(Transformation().translate(box.left, box.bottom))
        page.merge_page(overlay)
    writer.add_metadata({"/Subject": stamp})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def watermark_image(data: bytes, stamp: str) -> tuple[bytes, str]:
    """The image with ``stamp`` in bands at the top and bottom; (bytes, MIME type)."""
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    width, height = image.size
    size = max(14, min(width // 45, 60))
    font = ImageFont.truetype(str(WQY_ZENHEI), size)
    draw = ImageDraw.Draw(image)
    band = int(size * 1.8)
    for top in (0, height - band):
        draw.rectangle([0, top, width, top + band], fill=(255, 255, 255))
        draw.text((size // 2, top + (band - size) // 2), stamp, font=font, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), "image/png"
