"""Files made in the tests: scans rendered from seed text, PDFs, emails and broken inputs."""

from __future__ import annotations

import io
from email.header import Header
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from records_dms.common.pdfrender import WQY_ZENHEI
from tests.factories import SEED_LINES, make_pdf

SCAN_LINES = [
    "顾客投诉处理完毕后,应将顾客投诉档案做好记录保存。",
    "一般保存期限为3年。重大投诉应单独立卷保存。",
]


def scan_image(lines: list[str] | None = None, dpi: int = 300) -> Image.Image:
    """A few lines of Chinese as a scanner would see them (white page, black text)."""
    lines = lines or SCAN_LINES
    scale = dpi / 300
    font = ImageFont.truetype(str(WQY_ZENHEI), round(48 * scale))
    image = Image.new("L", (round(2480 * scale), round((200 + 120 * len(lines)) * scale)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((150 * scale, (100 + number * 120) * scale), line, font=font, fill=0)
    return image


def image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, dpi=(300, 300), **options)
    return buffer.getvalue()


def scanned_pdf(pages: int = 1) -> bytes:
    images = [scan_image() for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=300, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def tiff_pages(count: int) -> bytes:
    frames = [scan_image([SCAN_LINES[n % 2]]) for n in range(count)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        dpi=(300, 300),
        compression="tiff_lzw",
    )
    return buffer.getvalue()


def empty_pdf() -> bytes:
    document = pdfium.PdfDocument.new()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, encrypt="secret-password")
    page.drawString(72, 720, "confidential")
    page.save()
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = image_bytes(scan_image(), "JPEG", quality=90)
    return data[: len(data) // 2]


def bomb_png() -> bytes:
    return image_bytes(Image.new("1", (12000, 12000), 1), "PNG")


def gbk_email_with_pdf() -> bytes:
    message = MIMEMultipart()
    message["From"] = str(Header("王档案", "gb2312")) + " <wang@example.cn>"
    message["To"] = "clerk@example.cn"
    message["Subject"] = Header("关于投诉处理的回复", "gb2312").encode()
    message["Date"] = "Tue, 07 May 2024 10:30:00 +0800"
    body = "\n".join(SEED_LINES)
    message.attach(MIMEText(body, "plain", "gb2312"))
    attachment = MIMEApplication(make_pdf(["投诉处理记录:维修响应不及时。"]), "pdf")
    attachment.add_header(
        "Content-Disposition", "attachment", filename=("utf-8", "", "投诉处理记录.pdf")
    )
    message.attach(attachment)
    return message.as_bytes()


def plain_email(subject: str = "会议纪要") -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.cn"
    message["To"] = "b@example.cn"
    message["Subject"] = subject
    message.set_content("年度客户关系维护会议纪要。")
    return message.as_bytes()


BAD_INPUTS: dict[str, tuple[str, bytes | None, str]] = {
    # case: (file name, bytes, what the reason must say)
    "empty": ("空.pdf", b"", "empty"),
    "truncated pdf": ("cut.pdf", None, "truncated"),
    "random bytes": ("random.pdf", bytes(range(256)) * 64, "unrecognised"),
    "executable": ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 4000, "executable"),
    "pdf without pages": ("blank.pdf", None, "no pages"),
    "encrypted pdf": ("locked.pdf", None, "password protected"),
    "truncated jpeg": ("cut.jpg", None, "truncated"),
    "decompression bomb": ("bomb.png", None, "decompression bomb"),
    "malformed email": (
        "broken.eml",
        b"Received: from x\nX-Mailer: y\n\n\xff\xfe\x00garbage",
        "email",
    ),
    "html named pdf": ("page.pdf", b"<!DOCTYPE html><html><body>hi</body></html>", "HTML"),
}


def bad_input(case: str) -> tuple[str, bytes, str]:
    name, data, reason = BAD_INPUTS[case]
    if data is None:
        data = {
            "truncated pdf": lambda: make_pdf()[:-400],
            "pdf without pages": empty_pdf,
            "encrypted pdf": encrypted_pdf,
            "truncated jpeg": truncated_jpeg,
            "decompression bomb": bomb_png,
        }[case]()
    return name, data, reason
