"""Hostile images: truncated, decompression bombs, lying headers, many frames, polyglots."""

from __future__ import annotations

import struct
import zlib

from PIL import Image

from tests.hostile.corpus.cases import FILED, REFUSED, case
from tests.ingestion.samples import (
    bomb_png,
    image_bytes,
    scan_image,
    truncated_jpeg,
)

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
