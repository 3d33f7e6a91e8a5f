"""Hostile PDFs written by hand, object by object, and the ingestion issue's bad inputs."""

from __future__ import annotations

import io
import zipfile
import zlib

from PIL import Image

from tests.factories import make_pdf
from tests.hostile.corpus.cases import FILED, REFUSED, case
from tests.ingestion.samples import (
    empty_pdf,
    encrypted_pdf,
    image_bytes,
    scan_image,
)

TEXT = b"Quality record kept under the retention schedule of the archive"


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


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


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
