"""Decompression bombs, made small on disk: a zlib stream of N MB of the same bytes.

Used by tests/hostile/test_bombs.py (a few hundred MB, so they stay fast) and by
benchmarks/bombs.py (1 and 2 GiB).
"""

from __future__ import annotations

import base64
import struct
import zlib
from email.message import EmailMessage

from tests.hostile.corpus.pdfs import FONT, TEXT, raw_pdf, stream

MB = 1024 * 1024


def deflated(megabytes: int, head: bytes = b"", fill: bytes = b" ") -> bytes:
    """``head`` then ``fill`` repeated to ``megabytes`` MB, deflated (about 1 KB per MB)."""
    deflater = zlib.compressobj(9)
    block = fill * (MB // len(fill))
    parts = [deflater.compress(head)]
    parts.extend(deflater.compress(block) for _ in range(megabytes))
    parts.append(deflater.flush())
    return b"".join(parts)


def pdf_flate_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream shows a line of text, then inflates to
    ``megabytes`` MB of spaces (what pdfminer holds whole, and more, to read it)."""
    content = deflated(megabytes, b"BT /F1 12 Tf 72 720 Td (" + TEXT + b") Tj ET ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        # The length lies and the filter is indirect: the scan must not trust either.
        b"<< /Length 100 /Filter 6 0 R >>\nstream\n" + content + b"\nendstream",
        FONT,
        b"/FlateDecode",
    ]
    return raw_pdf(objects)


def pdf_hex_flate_bomb(megabytes: int) -> bytes:
    """The same bomb behind ASCIIHexDecode, which a scan for zlib headers alone would miss."""
    content = deflated(megabytes, b"BT /F1 12 Tf 72 720 Td (" + TEXT + b") Tj ET ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content.hex().encode() + b">", b"/Filter [/ASCIIHexDecode /FlateDecode] "),
        FONT,
    ]
    return raw_pdf(objects)


def lzw_run(megabytes: int, byte: bytes = b" ") -> bytes:
    """LZWDecode data (as PDF writes it) decoding to ``megabytes`` MB of ``byte``.

    After the clear code and the byte, each code names the entry that code itself defines
    (one byte longer than the last) until the table is full, then the longest entry again
    and again: about 2,700:1.
    """
    out, value, bits = bytearray(), 0, 0

    def put(code: int, width: int) -> None:
        nonlocal value, bits
        value, bits = (value << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((value >> bits) & 0xFF)
        value &= (1 << bits) - 1

    put(256, 9)
    put(byte[0], 9)
    table, width, length, total = 258, 9, 1, 1
    while total < megabytes * MB:
        if table < 4096:
            put(table, width)
            length += 1
        else:
            put(4095, width)
        total += length
        table += 1  # the decoder adds an entry for every code after the first
        width = 10 if table >= 511 else width
        width = 11 if table >= 1023 else width
        width = 12 if table >= 2047 else width
    put(257, width)
    if bits:
        out.append((value << (8 - bits)) & 0xFF)
    return bytes(out)


def pdf_lzw_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose LZW content stream decodes to ``megabytes`` MB of spaces."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(lzw_run(megabytes), b"/Filter /LZWDecode "),
        FONT,
    ]
    return raw_pdf(objects)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_zlib_bomb(side: int) -> bytes:
    """A ``side`` × ``side`` RGBA PNG of one colour: ``4 × side²`` bytes of pixels in a few
    hundred KB, under the pixel limit for side ≤ 9,459."""
    row = b"\x00" + b"\xff" * (4 * side)
    deflater = zlib.compressobj(9)
    data = b"".join(deflater.compress(row) for _ in range(side)) + deflater.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def png_text_bomb(megabytes: int) -> bytes:
    """A small valid PNG with a zTXt chunk that inflates to ``megabytes`` MB."""
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff" * 8 for _ in range(8)))
    text = b"Comment\x00\x00" + deflated(megabytes, fill=b"A")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"zTXt", text)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def tiff_hidden_huge_frame(side: int) -> bytes:
    """A two-frame TIFF: an 8 × 8 first page (all Pillow checks when opening), then a
    ``side`` × ``side`` gray page whose one Deflate strip holds its pixels in a few KB."""
    deflater = zlib.compressobj(9)
    row = b"\xff" * side
    pixels = b"".join(deflater.compress(row) for _ in range(side)) + deflater.flush()
    small = zlib.compress(b"\xff" * 64)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    data_at = 8 + 2 * (2 + 9 * 12 + 4)
    frames = [(8, small, data_at), (side, pixels, data_at + len(small))]
    for number, (size, strip, strip_at) in enumerate(frames):
        following = 8 + (number + 1) * (2 + 9 * 12 + 4) if number == 0 else 0
        entries = [  # (tag, type: 3 SHORT / 4 LONG, value), in tag order
            (256, 4, size), (257, 4, size), (258, 3, 8), (259, 3, 8), (262, 3, 1),
            (273, 4, strip_at), (277, 3, 1), (278, 4, size), (279, 4, len(strip)),
        ]  # fmt: skip
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        out += struct.pack("<I", following)
    out += small + pixels
    return bytes(out)


def email_huge_base64_part(megabytes: int) -> bytes:
    """An email with a text body and one base64 attachment of ``megabytes`` MB."""
    message = EmailMessage()
    message["From"] = "sender@example.cn"
    message["To"] = "clerk@example.cn"
    message["Subject"] = "Quarterly report"
    message.set_content("See the attachment.")
    message.add_attachment(
        b"\x00" * (megabytes * MB), maintype="application", subtype="octet-stream",
        filename="data.bin",
    )  # fmt: skip
    data = message.as_bytes()
    assert base64.b64encode(b"\x00\x00\x00") in data
    return data
