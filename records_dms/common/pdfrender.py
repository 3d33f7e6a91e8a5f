"""Render plain Chinese/English text to a born-digital PDF (demo data and test fixtures)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

WQY_ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def chinese_font() -> str:
    """An embedded CJK TrueType font when Debian's is installed, else reportlab's CID font."""
    if "DMS-CJK" in pdfmetrics.getRegisteredFontNames():
        return "DMS-CJK"
    if WQY_ZENHEI.exists():
        pdfmetrics.registerFont(TTFont("DMS-CJK", str(WQY_ZENHEI), subfontIndex=0))
        return "DMS-CJK"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def render_text_pdf(title: str, pages: list[list[str]]) -> bytes:
    """A PDF with ``title`` on top and one list of paragraphs per page."""
    font = chinese_font()
    heading = ParagraphStyle("heading", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="records-dms")
    story: list = [Paragraph(escape(title), heading), Spacer(1, 12)]
    for number, paragraphs in enumerate(pages):
        if number:
            story.append(PageBreak())
        story += [Paragraph(escape(text), body) for text in paragraphs]
    document.build(story)
    return buffer.getvalue()


def render_scan_png(lines: list[str], dpi: int = 300) -> bytes:
    """A page image as a scanner would make it: black Chinese text on white, at ``dpi``."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 300
    font = ImageFont.truetype(str(WQY_ZENHEI), round(44 * scale))
    image = Image.new("L", (round(2480 * scale), round((240 + 110 * len(lines)) * scale)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((180 * scale, (120 + number * 110) * scale), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
