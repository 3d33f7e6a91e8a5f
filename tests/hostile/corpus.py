"""A corpus of hostile and broken files, each made here by a named generator (nothing downloaded).

Every case says what must happen to it: ``refused`` (with words the reason must contain) or
``filed`` (a legitimate document, filed safely), and why. README's "Hostile input" table is
this list. ``settings`` holds the few small bounds a case runs under, so that a bound is
proved without making a huge file: environment variables for the CLI, the fields of
``settings.INGESTION`` they declare in-process.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from PIL import Image

from tests.factories import make_pdf
from tests.ingestion.samples import (
    bomb_png,
    empty_pdf,
    encrypted_pdf,
    image_bytes,
    scan_image,
    truncated_jpeg,
)

FILED, REFUSED = "filed", "refused"
TEXT = b"Quality record kept under the retention schedule of the archive"


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    make: Callable[[], bytes]
    outcome: str  # FILED or REFUSED
    reason: str  # refused: words the reason contains; filed: "" (or words of the job's note)
    why: str
    settings: dict[str, int | float] = field(default_factory=dict)
    records: int = 1  # records a filed case leaves (an email's attachments are records too)
    disk_name: str = ""  # the name on disk for the CLI where ``filename`` cannot exist there
    # Over HTTP: refused by Django's multipart parser (400) before our code, with these words.
    http_reason: str = ""


CASES: dict[str, Case] = {}


def case(
    filename: str, outcome: str, reason: str, why: str, **extra: object
) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES[make.__name__] = Case(make.__name__, filename, make, outcome, reason, why, **extra)  # type: ignore[arg-type]
        return make

    return register


# PDFs written by hand, object by object ---------------------------------------------------


def raw_pdf(
    objects: list[bytes],
    *,
    shift_xref: int = 0,
    trailer: bytes = b"",
    startxref: int | None = None,
) -> bytes:
    """A PDF of the given objects (1 is the catalog); ``shift_xref`` makes every offset lie."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + shift_xref)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % (xref if startxref is None else startxref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


CONTENT = stream(b"BT /F1 12 Tf 72 720 Td (" + TEXT + b") Tj ET")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def text_pdf(
    *,
    catalog_extra: bytes = b"",
    media_box: bytes = b"[0 0 595 842]",
    more: tuple[bytes, ...] = (),
) -> tuple[list[bytes], int]:
    """Objects of a one-page text PDF: 1 catalog, 2 pages, 3 page, 4 content, 5 font, 6… more."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox "
        + media_box
        + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        CONTENT,
        FONT,
        *more,
    ]
    return objects, len(objects)


@case("javascript.pdf", FILED, "", "JavaScript is never run: PDFium and pdfminer only read "
      "text; the original is kept byte for byte and only ever sent as an attachment")  # fmt: skip
def pdf_with_javascript() -> bytes:
    objects, _ = text_pdf(
        catalog_extra=b"/OpenAction 6 0 R /Names << /JavaScript << /Names [(x) 6 0 R] >> >> ",
        more=(b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\(\\)) >>",),
    )
    return raw_pdf(objects)


@case("launch.pdf", FILED, "", "a /Launch action is inert data to a parser; same as JavaScript")
def pdf_with_launch_action() -> bytes:
    objects, _ = text_pdf(
        catalog_extra=b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >> "
    )
    return raw_pdf(objects)


@case("embedded.pdf", FILED, "", "the embedded file stays inside the original; it is never "
      "extracted, run or indexed")  # fmt: skip
def pdf_with_embedded_file() -> bytes:
    payload = b"MZ\x90\x00" + b"\x00" * 200
    objects, _ = text_pdf(
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(setup.exe) 6 0 R] >> >> ",
        more=(
            b"<< /Type /Filespec /F (setup.exe) /EF << /F 7 0 R >> >>",
            stream(payload, b"/Type /EmbeddedFile "),
        ),
    )
    return raw_pdf(objects)


@case("thousands.pdf", REFUSED, "more than 2000", "page count read before any page "
      "(DMS_MAX_PAGES, default 2000)")  # fmt: skip
def pdf_with_thousands_of_pages() -> bytes:
    count = 2500
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (n + 5) for n in range(count))
        + b"] /Count %d >>" % count,
        CONTENT,
        FONT,
        b"<< >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
    page += b"/Resources << /Font << /F1 4 0 R >> >> >>"
    objects[4:] = [page] * count
    return raw_pdf(objects)


@case("huge-page.pdf", REFUSED, "page size", "a MediaBox of 200000×200000 points would be a "
      "10¹¹-pixel raster; pages beyond DMS_MAX_PAGE_POINTS (14400, PDF's own limit) are refused")  # fmt: skip  # noqa: E501
def pdf_with_absurd_page_size() -> bytes:
    objects, _ = text_pdf(media_box=b"[0 0 200000 200000]")
    return raw_pdf(objects)


@case("bad-xref.pdf", FILED, "", "every xref offset lies, but the objects are intact: PDFium "
      "rebuilds the table, as viewers do; a real customer PDF like this must not be lost")  # fmt: skip  # noqa: E501
def pdf_with_malformed_xref() -> bytes:
    objects, _ = text_pdf()
    return raw_pdf(objects, shift_xref=7)


@case("xref-loop.pdf", FILED, "", "a trailer whose /Prev points at itself: read once, no loop")
def pdf_with_xref_loop() -> bytes:
    objects, _ = text_pdf()
    first = raw_pdf(objects)
    xref = int(first.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return raw_pdf(objects, trailer=b"/Prev %d " % xref)


@case("garbage.pdf", REFUSED, "no pages", "a PDF header and end marker around garbage: "
      "neither PDFium nor pdfminer finds a page")  # fmt: skip
def pdf_of_garbage() -> bytes:
    body = bytes((n * 73 + 11) % 256 for n in range(30000))
    return b"%PDF-1.7\n" + body + b"\nxref\n0 9999999\ntrailer\n<< /Root 99 0 R >>\n%%EOF\n"


@case("nested.pdf", FILED, "", "an array nested 50,000 deep in the catalog: parsers give up on "
      "the object, not the process (no recursion error); the page's text is read")  # fmt: skip
def pdf_with_deep_nesting() -> bytes:
    objects, _ = text_pdf(catalog_extra=b"/Junk " + b"[" * 50000 + b"]" * 50000 + b" ")
    return raw_pdf(objects)


@case("polyglot.pdf", FILED, "", "a PDF with a ZIP appended (a PDF/ZIP polyglot): filed as the "
      "PDF it is; the ZIP part is never opened and the original is served as an attachment")  # fmt: skip  # noqa: E501
def pdf_zip_polyglot() -> bytes:
    return make_pdf(["PDF 和 ZIP 的多语言文件。", TEXT.decode()]) + zip_of(
        {"evil.html": b"<script>alert(1)</script>"}
    )


@case("script.pdf", FILED, "", "a PDF with <script> in a comment: stored as application/pdf, "
      "sent as an attachment with nosniff, so no browser renders it as HTML")  # fmt: skip
def pdf_html_polyglot() -> bytes:
    objects, _ = text_pdf()
    data = raw_pdf(objects)
    return data.replace(b"%\xe2\xe3\xcf\xd3\n", b"%<html><script>alert(1)</script>\n", 1)


@case("report.pdf", REFUSED, "HTML", "HTML before a PDF header is HTML, whatever follows")
def html_pdf_polyglot() -> bytes:
    objects, _ = text_pdf()
    return b"<html><script>alert(1)</script></html>\n" + raw_pdf(objects)


@case("flate-bomb.pdf", FILED, "", "a 1 MB page stream that inflates to 60 MB of spaces: read "
      "as a stream, the page text is bounded; it is a valid if silly document")  # fmt: skip
def pdf_with_inflating_stream() -> bytes:
    bomb = zlib.compress(b"BT /F1 12 Tf 72 720 Td (" + TEXT + b") Tj ET " + b" " * 60_000_000, 9)
    objects, _ = text_pdf()
    objects[3] = stream(bomb, b"/Filter /FlateDecode ")
    return raw_pdf(objects)


# The ingestion issue's bad inputs -------------------------------------------------------


@case("空.pdf", REFUSED, "empty", "nothing to file")
def empty_file() -> bytes:
    return b""


@case("cut.pdf", REFUSED, "truncated", "no %%EOF: cut off in transfer")
def truncated_pdf() -> bytes:
    return make_pdf()[:-400]


@case("random.pdf", REFUSED, "unrecognised", "random bytes named .pdf: the type is read from "
      "the bytes, never the extension")  # fmt: skip
def random_bytes() -> bytes:
    return bytes((n * 197 + 89) % 256 for n in range(16384))


@case("setup.pdf", REFUSED, "executable", "a Windows program named .pdf")
def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03" + b"\x00" * 4000


@case("invoice.pdf", REFUSED, "executable", "a Linux program named .pdf")
def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 4000


@case("blank.pdf", REFUSED, "no pages", "a PDF with no page has nothing to keep")
def pdf_without_pages() -> bytes:
    return empty_pdf()


@case("locked.pdf", REFUSED, "password protected", "its text cannot be read; the clerk is "
      "told to ask for an unprotected copy")  # fmt: skip
def encrypted() -> bytes:
    return encrypted_pdf()


@case("page.pdf", REFUSED, "HTML", "an HTML page named .pdf")
def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@case("big.pdf", REFUSED, "larger than the limit of 1 MB", "spooling stops at the limit "
      "(DMS_MAX_UPLOAD_MB, default 200; 1 here)", settings={"DMS_MAX_UPLOAD_MB": 1})  # fmt: skip
def oversized() -> bytes:
    return make_pdf() + b"%" + b"0" * (1024 * 1024)


@case("scan.pdf", FILED, "", "a PNG named .pdf is a legitimate scan: filed as the image it is")
def png_named_pdf() -> bytes:
    return image_bytes(scan_image(dpi=100), "PNG")


@case("scan.jpg", FILED, "", "a PDF named .jpg: filed as the PDF it is")
def pdf_named_jpg() -> bytes:
    return make_pdf(["扩展名说谎的文件。", TEXT.decode()])


@case("logo.png", REFUSED, "SVG", "SVG can carry scripts and is not a document type we keep")
def svg_named_png() -> bytes:
    return b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">' + (
        b"<script>alert(document.cookie)</script></svg>"
    )


@case("anim.png", REFUSED, "GIF", "a GIF named .png")
def gif_named_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buffer, format="GIF")
    return buffer.getvalue()


# Images -----------------------------------------------------------------------------------


@case("cut.jpg", REFUSED, "truncated", "half a JPEG")
def jpeg_truncated() -> bytes:
    return truncated_jpeg()


@case("bomb.png", REFUSED, "decompression bomb", "a real 12000×12000 PNG of 144 Mpx "
      "(DMS_MAX_IMAGE_PIXELS, default 89 Mpx as Pillow's)")  # fmt: skip
def png_decompression_bomb() -> bytes:
    return bomb_png()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@case("huge.png", REFUSED, "decompression bomb", "a PNG header claiming 100000×100000 "
      "(10¹⁰ px) over a few bytes of data: refused from the header, nothing decoded")  # fmt: skip
def png_lying_header() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@case("huge.jpg", REFUSED, "decompression bomb", "a JPEG whose frame header claims "
      "65000×65000: refused from the header")  # fmt: skip
def jpeg_lying_header() -> bytes:
    data = bytearray(image_bytes(Image.new("L", (16, 16), 255), "JPEG"))
    at = data.index(b"\xff\xc0") + 5  # SOF0: length(2) precision(1) height(2) width(2)
    data[at : at + 4] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


@case("crc.png", REFUSED, "damaged", "a PNG whose data chunk fails its checksum")
def png_bad_checksum() -> bytes:
    data = bytearray(image_bytes(Image.new("L", (64, 64), 255), "PNG"))
    at = data.index(b"IDAT") + 6
    data[at] ^= 0xFF
    return bytes(data)


@case("frames.tif", REFUSED, "more than 2000", "a TIFF of 2500 frames: frames are pages "
      "(DMS_MAX_PAGES); counted from the directory chain before any is decoded")  # fmt: skip
def tiff_with_many_frames() -> bytes:
    return tiff_of_blank_frames(2500)


@case("frames-small.tif", REFUSED, "more than 100", "a TIFF of 300 frames under a page limit "
      "of 100", settings={"DMS_MAX_PAGES": 100})  # fmt: skip
def tiff_with_hundreds_of_frames() -> bytes:
    return tiff_of_blank_frames(300)


def tiff_of_blank_frames(count: int) -> bytes:
    """A TIFF of ``count`` 8×8 white frames sharing one strip, written directly (Pillow's
    save_all takes half a minute for 2,500 frames)."""
    strip_at, first_ifd, ifd_size = 8, 16, 2 + 8 * 12 + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", first_ifd) + b"\x00" * 8)
    for number in range(count):
        at = first_ifd + number * ifd_size
        following = at + ifd_size if number + 1 < count else 0
        entries = [  # (tag, type: 3 SHORT / 4 LONG, value), in tag order
            (256, 3, 8), (257, 3, 8), (258, 3, 1), (259, 3, 1),
            (262, 3, 0), (273, 4, strip_at), (278, 3, 8), (279, 4, 8),
        ]  # fmt: skip
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            packed = struct.pack("<HI", value, 0)[:4] if kind == 3 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        out += struct.pack("<I", following)
    return bytes(out)


@case("polyglot.jpg", FILED, "", "a JPEG with an HTML page in its comment: filed as the image "
      "it is, stored as image/jpeg and sent as an attachment with nosniff")  # fmt: skip
def jpeg_html_polyglot() -> bytes:
    data = image_bytes(scan_image(dpi=100), "JPEG", quality=80)
    html = b"<html><script>alert(document.cookie)</script></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    return data[:2] + comment + data[2:]


@case("slow.png", REFUSED, "OCR", "OCR of a page stopped at DMS_OCR_TIMEOUT (600 s by "
      "default; 0.01 s here) and reported as such", settings={"DMS_OCR_TIMEOUT": 0.01})  # fmt: skip
def scan_beyond_ocr_timeout() -> bytes:
    return image_bytes(scan_image(), "PNG")


# Emails -----------------------------------------------------------------------------------


def plain_message(subject: str, body: str = "年度客户关系维护会议纪要。") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "a@example.cn"
    message["To"] = "b@example.cn"
    message["Subject"] = subject
    message.set_content(body)
    return message


@case("broken.eml", REFUSED, "email", "headers that end in binary garbage, no From or Subject")
def malformed_email() -> bytes:
    return b"Received: from x\nX-Mailer: y\n\n\xff\xfe\x00garbage"


@case("nested.eml", FILED, "deeper than 5", "ten emails each attached to the next: the top "
      "one and five levels below are filed as linked records (DMS_MAX_EMAIL_DEPTH, default 5); "
      "deeper ones stay in the last filed one's original and its job says so",
      records=6)  # fmt: skip
def email_nested_ten_deep() -> bytes:
    inner = plain_message("level 10", "the innermost message").as_bytes()
    for level in range(9, 0, -1):
        outer = MIMEMultipart()
        outer["From"], outer["To"] = "a@example.cn", "b@example.cn"
        outer["Subject"] = f"level {level}"
        outer.attach(MIMEText(f"第{level}层邮件正文。", "plain", "utf-8"))
        part = MIMEBase("message", "rfc822")
        part.set_payload(inner.decode("ascii"))
        part.add_header("Content-Disposition", "attachment", filename=f"level-{level + 1}.eml")
        outer.attach(part)
        inner = outer.as_bytes()
    return inner


@case("header.eml", REFUSED, "header", "a 2 MB Subject: headers beyond "
      "DMS_MAX_EMAIL_HEADER_KB (256) are refused before parsing")  # fmt: skip
def email_huge_header() -> bytes:
    return (
        b"From: a@example.cn\r\nTo: b@example.cn\r\nSubject: "
        + b"=?utf-8?b?5oqV6K+J?= " * 100_000
        + b"\r\n\r\nbody\r\n"
    )


@case("headers.eml", REFUSED, "header", "200,000 header lines: the same bound")
def email_many_headers() -> bytes:
    return b"From: a@example.cn\r\nSubject: x\r\n" + b"X-H: v\r\n" * 200_000 + b"\r\nbody\r\n"


@case("klingon.eml", FILED, "", "an unknown charset (x-klingon) in the body and RFC 2047 "
      "words: decoded as UTF-8 or GB18030, whichever reads; never a crash")  # fmt: skip
def email_unknown_charset() -> bytes:
    body = "未知字符集的邮件正文。".encode("gb18030")
    return (
        b"From: =?x-klingon?q?Qapla=27?= <k@example.cn>\r\nTo: b@example.cn\r\n"
        b"Subject: =?x-klingon?b?5pyq55+l?= test\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="x-klingon"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + b"\r\n"
    )


@case("huge-body.eml", FILED, "", "a 100 KB body (35,000 characters) in an unknown charset: "
      "decoded as GB18030, kept; text bounded at 2 M characters")  # fmt: skip
def email_huge_body_unknown_charset() -> bytes:
    body = ("档案保存期限。" * 5_000).encode("gb18030")
    return (
        b"From: a@example.cn\r\nTo: b@example.cn\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=unknown-8bit\r\n\r\n" + body + b"\r\n"
    )


@case("many.eml", REFUSED, "too many attachments", "150 attachments, more than 100")
def email_with_many_attachments() -> bytes:
    message = plain_message("附件太多")
    for number in range(150):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                               filename=f"a{number}.bin")  # fmt: skip
    return message.as_bytes()


@case("parts.eml", REFUSED, "MIME parts", "a multipart tree of 3000 parts: walking stops at "
      "1000 (DMS_MAX_EMAIL_PARTS)")  # fmt: skip
def email_mime_bomb() -> bytes:
    boundary = b"b"
    parts = b"".join(
        b"--" + boundary + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(3000)
    )
    return (
        b"From: a@example.cn\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + parts
        + b"--"
        + boundary
        + b"--\r\n"
    )


# File names -------------------------------------------------------------------------------


def named_pdf(words: str) -> bytes:
    return make_pdf([f"文件名测试:{words}。", TEXT.decode()])


@case("../../etc/passwd.pdf", FILED, "", "the path is dropped; kept as passwd.pdf",
      disk_name="passwd.pdf")  # fmt: skip
def name_with_dot_dot() -> bytes:
    return named_pdf("路径")


@case("report\x00.exe.pdf", FILED, "", "NUL removed (PostgreSQL text cannot hold it)",
      disk_name="report.exe.pdf")  # fmt: skip
def name_with_nul() -> bytes:
    return named_pdf("空字符")


@case("line\nbreak\r.pdf", FILED, "", "control characters removed: logs and CSVs stay one line")
def name_with_newline() -> bytes:
    return named_pdf("换行")


@case("invoice\u202efdp.exe", FILED, "", "the right-to-left override (U+202E) that makes "
      "'invoice‮fdp.exe' look like a PDF is removed")  # fmt: skip
def name_with_rtl_override() -> bytes:
    return named_pdf("从右到左")


@case("档" * 1000 + ".pdf", FILED, "", "a 1,000-character name is cut to 150 characters, "
      "extension kept (service and CLI; on disk, 255 bytes at most, the CLI's is 80 characters). "
      "Over HTTP Django's multipart parser refuses part headers over 1 KB with a 400 before our "
      "code runs; the upload screen shows that against the file's row",
      disk_name="档" * 80 + ".pdf", http_reason="header size")  # fmt: skip
def name_of_a_thousand_characters() -> bytes:
    return named_pdf("长名")


# Office files and ZIP archives ---------------------------------------------------------


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OFFICE_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


@case("minutes.docm", REFUSED, "macros", "a Word file with a VBA project: macros are refused "
      "by name, read from the ZIP directory without decompressing anything")  # fmt: skip
def docm_with_macros() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": OFFICE_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512,
        }
    )


@case("budget.xlsm", REFUSED, "macros", "the same for Excel")
def xlsm_with_macros() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": OFFICE_TYPES,
            "xl/workbook.xml": b"<workbook/>",
            "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512,
        }
    )


@case("contract.pdf", REFUSED, "Office document", "a .docx named .pdf: Office files are not "
      "filed yet (the clerk prints them to PDF)")  # fmt: skip
def docx_named_pdf() -> bytes:
    return zip_of({"[Content_Types].xml": OFFICE_TYPES, "word/document.xml": b"<w:document/>"})


@case("bomb.zip", REFUSED, "ZIP archive", "a ZIP holding 200 MB of zeros in 200 KB: refused "
      "from its first bytes, never opened")  # fmt: skip
def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        block = b"\x00" * (1024 * 1024)
        for _ in range(200):
            member.write(block)
    return buffer.getvalue()


# The inbox and folders ----------------------------------------------------------------------

SYMLINK = "symlink"  # not bytes: a symbolic link to a file outside, made in the folder itself
