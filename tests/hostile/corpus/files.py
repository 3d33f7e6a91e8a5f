"""Hostile file names, Office files with macros, and ZIP archives."""

from __future__ import annotations

import io
import zipfile

from tests.factories import make_pdf
from tests.hostile.corpus.cases import FILED, REFUSED, case
from tests.hostile.corpus.pdfs import TEXT, zip_of

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
