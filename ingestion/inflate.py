"""Decompression bombs found before any parser decodes the file, in bounded memory.

Each check walks the file's compressed parts and inflates them with ``zlib.decompressobj``
in chunks of at most ``CHUNK`` bytes, counting what comes out and dropping it: a 1 GiB
stream costs ``CHUNK`` bytes of memory, and counting stops as soon as the limit is passed.

- PDF: every stream of the file (content, images, fonts, object streams), found by its
  ``stream`` keyword, so a lying ``/Length``, an indirect ``/Filter`` or a broken xref table
  changes nothing. A stream whose data is zlib is inflated, whatever its dictionary says;
  ASCIIHex/ASCII85 in front of Flate are undone first.
- PNG: the image data (IDAT, and APNG's fdAT frames) and the compressed text and colour
  profile chunks.
- TIFF: every frame's pixels, from its own header (Pillow checks only the first frame's).
- Email: every MIME part's decoded size, from its encoded size.
"""

from __future__ import annotations

import base64
import binascii
import mmap
import re
import zlib
from collections.abc import Iterable, Iterator
from email.message import Message
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image

from ingestion.parsers.base import RejectedInput

CHUNK = 1024 * 1024  # the most inflated bytes held at once
MB = 1024 * 1024
DROP_BEHIND = 64 * MB  # a PDF scan lets go of the file's pages it has passed, this often

# "stream" then its end of line, not the end of "endstream".
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[<>(]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_DICT_LOOKBACK = 16384  # a stream's dictionary is within this many bytes before "stream"


def too_large(limit: int, where: str = "") -> RejectedInput:
    """The refusal every check gives: the bound, and which part passed it."""
    if where:
        return RejectedInput(
            _("%(where)s: content expands beyond %(mb)d MB (a decompression bomb)")
            % {"where": where, "mb": limit // MB}
        )
    return RejectedInput(
        _("content expands beyond %(mb)d MB (a decompression bomb)") % {"mb": limit // MB}
    )


def inflated_size(chunks: Iterable[bytes], limit: int) -> tuple[int, int]:
    """(bytes a zlib stream fed by ``chunks`` inflates to, input bytes it took).

    Counting stops once past ``limit``. Raises ``zlib.error`` for data that is not zlib.
    """
    inflater = zlib.decompressobj()
    total = consumed = 0
    for chunk in chunks:
        data = chunk
        while data and not inflater.eof:
            total += len(inflater.decompress(data, CHUNK))
            if total > limit:
                return total, consumed
            data = inflater.unconsumed_tail
        consumed += len(chunk) - len(inflater.unused_data if inflater.eof else b"")
        if inflater.eof:
            return total, consumed
    while not inflater.eof:  # input ended: what is buffered still counts
        out = inflater.decompress(b"", CHUNK)
        if not out:
            break
        total += len(out)
        if total > limit:
            break
    return total, consumed


def _looks_like_zlib(head: bytes) -> bool:
    return (
        len(head) >= 2
        and head[0] & 0x0F == 8
        and head[0] >> 4 <= 7
        and (head[0] << 8 | head[1]) % 31 == 0
    )


# PDF ---------------------------------------------------------------------------------------


def pdf_check(path: Path, limit: int) -> None:
    """Refuse a PDF any of whose streams inflates beyond ``limit`` bytes."""
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            _pdf_streams(data, limit)


def _pdf_streams(data: mmap.mmap, limit: int) -> None:
    at, dropped = 0, 0
    while match := _STREAM.search(data, at):
        start = match.end()
        filters = _filters(data[max(0, match.start() - _DICT_LOOKBACK) : match.start()])
        size, end = _pdf_stream_size(data, start, filters, limit)
        if size > limit:
            raise too_large(limit, _("a stream of the PDF"))
        at = max(end, start)
        if at - dropped > DROP_BEHIND:  # the pages read so far need not stay resident
            _drop(data, dropped, at)
            dropped = at - at % mmap.PAGESIZE


def _drop(data: mmap.mmap, start: int, end: int) -> None:
    start -= start % mmap.PAGESIZE
    length = end - start - (end - start) % mmap.PAGESIZE
    if length > 0 and hasattr(mmap, "MADV_DONTNEED"):
        data.madvise(mmap.MADV_DONTNEED, start, length)


def _filters(before: bytes) -> list[bytes]:
    """The filter names in the dictionary just before a ``stream`` keyword, if it says."""
    head = before[before.rfind(b"obj") + 3 :] if b"obj" in before else before
    found = _FILTER.findall(head)
    return _NAME.findall(found[-1]) if found else []


def _pdf_stream_size(
    data: mmap.mmap, start: int, filters: list[bytes], limit: int
) -> tuple[int, int]:
    """(inflated size, where the scan may go on) of the stream whose data begins at ``start``."""
    ascii_filters = {b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"}
    if filters and filters[0] in ascii_filters:
        return _ascii_then_flate(data, start, filters, limit)
    if filters and filters[0] in (b"LZWDecode", b"LZW"):
        end = data.find(b"endstream", start)
        return (lzw_size(data[start:end], limit), end) if end != -1 else (0, start)
    if not _looks_like_zlib(data[start : start + 2]):
        return 0, start

    chunks = _pieces(data, start)
    try:
        size, consumed = inflated_size(chunks, limit)
    except zlib.error:
        return 0, start  # not zlib after all (or damaged): the parsers judge it
    return size, start + consumed


def _pieces(data: mmap.mmap, start: int) -> Iterator[bytes]:
    """The file from ``start`` in growing pieces: most streams are small, so the first
    pieces are too (copying a megabyte for each of 10,000 small streams would be slow)."""
    size = 16384
    while start < len(data):
        yield data[start : start + size]
        start += size
        size = min(size * 2, CHUNK)


def _ascii_then_flate(
    data: mmap.mmap, start: int, filters: list[bytes], limit: int
) -> tuple[int, int]:
    """ASCIIHex or ASCII85 in front of Flate: undo the text encoding (at most the file's size),
    then count the inflation; an ASCII-only stream is smaller decoded than stored."""
    end = data.find(b"endstream", start)
    if end == -1 or len(filters) < 2 or filters[1] not in (b"FlateDecode", b"Fl"):
        return 0, start
    raw = data[start:end]
    try:
        if filters[0] in (b"ASCIIHexDecode", b"AHx"):
            text = re.sub(rb"\s", b"", raw).split(b">", 1)[0]
            decoded = binascii.unhexlify(text + b"0" * (len(text) % 2))
        else:
            text = re.sub(rb"\s", b"", raw).split(b"~>", 1)[0]
            decoded = base64.a85decode(text.removeprefix(b"<~"))
        del raw, text
        size, _consumed = inflated_size(
            (decoded[at : at + CHUNK] for at in range(0, len(decoded), CHUNK)), limit
        )
    except (ValueError, zlib.error):
        return 0, end
    return size, end


def lzw_size(data: bytes, limit: int) -> int:
    """Bytes a PDF LZWDecode stream (MSB first, 9 to 12-bit codes, early change) decodes to,
    counted from the lengths of the code table's entries, never their bytes; counting stops
    past ``limit``. LZW reaches ~2,700:1 once its table is full."""
    lengths = [1] * 256 + [0, 0]  # 256: clear table, 257: end of data
    width, total, previous, value, bits = 9, 0, -1, 0, 0
    for byte in data:
        value, bits = (value << 8) | byte, bits + 8
        while bits >= width:
            bits -= width
            code = value >> bits
            value &= (1 << bits) - 1
            if code == 256:
                del lengths[258:]
                width, previous = 9, -1
                continue
            if code == 257:
                return total
            if code < len(lengths):
                length = lengths[code]
            elif code == len(lengths) and previous != -1:
                length = lengths[previous] + 1  # the entry being defined by this very code
            else:
                return total  # damaged: the parsers say so
            if previous != -1 and len(lengths) < 4096:
                lengths.append(lengths[previous] + 1)
            total += length
            if total > limit:
                return total
            previous = code
            if len(lengths) + 1 >= 1 << width and width < 12:
                width += 1
    return total


# PNG ---------------------------------------------------------------------------------------


def png_check(path: Path, limit: int) -> None:
    """Refuse a PNG whose image data, frames or compressed chunks inflate beyond ``limit``."""
    with path.open("rb") as handle:
        handle.seek(8)
        image: zlib._Decompress | None = None  # IDAT chunks form one zlib stream
        image_total = 0
        while header := handle.read(8):
            if len(header) < 8:
                return
            length, kind = int.from_bytes(header[:4], "big"), header[4:]
            if kind == b"IDAT":
                image = image or zlib.decompressobj()
                image_total = _feed(image, handle, length, image_total, limit)
            elif kind == b"fdAT":  # an APNG frame: its own zlib stream after a sequence number
                handle.seek(4, 1)
                _feed(zlib.decompressobj(), handle, length - 4, 0, limit)
            elif kind in (b"zTXt", b"iCCP", b"iTXt") and length <= 64 * MB:
                _compressed_chunk(kind, handle.read(length), limit)
            elif kind == b"IEND":
                return
            else:
                handle.seek(length, 1)
            handle.seek(4, 1)  # CRC


def _feed(inflater: zlib._Decompress, handle: object, length: int, total: int, limit: int) -> int:
    remaining = length
    read = handle.read  # type: ignore[attr-defined]
    while remaining > 0:
        data = read(min(CHUNK, remaining))
        if not data:
            break
        remaining -= len(data)
        try:
            while data and not inflater.eof:
                total += len(inflater.decompress(data, CHUNK))
                if total > limit:
                    raise too_large(limit, _("the image data"))
                data = inflater.unconsumed_tail
        except zlib.error:
            return total  # damaged: Pillow says so
    return total


def _compressed_chunk(kind: bytes, chunk: bytes, limit: int) -> None:
    keyword_end = chunk.find(b"\x00")
    if keyword_end == -1:
        return
    if kind == b"iTXt":
        if chunk[keyword_end + 1 : keyword_end + 2] != b"\x01":
            return  # not compressed
        rest = chunk[keyword_end + 3 :]
        rest = rest[rest.find(b"\x00") + 1 :]  # language tag
        rest = rest[rest.find(b"\x00") + 1 :]  # translated keyword
    else:
        rest = chunk[keyword_end + 2 :]
    try:
        size, _consumed = inflated_size([rest], limit)
    except zlib.error:
        return
    if size > limit:
        raise too_large(limit, _("a %(chunk)s chunk") % {"chunk": kind.decode()})


# TIFF and other images ---------------------------------------------------------------------

_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}


def frames_check(image: Image.Image, max_pixels: int, limit: int) -> None:
    """Every frame's own size against the pixel bound and its pixels' bytes against ``limit``.

    Moving to a frame reads its header, not its pixels; Pillow checks only the first frame
    when the file is opened, so a small first page could hide a huge second one.
    """
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        width, height = image.size
        if width * height > max_pixels:
            raise RejectedInput(
                _(
                    "frame %(frame)d is a decompression bomb (%(w)d × %(h)d pixels, more "
                    "than the limit of %(limit)d)"
                )
                % {"frame": index + 1, "w": width, "h": height, "limit": max_pixels}
            )
        if width * height * _BYTES_PER_PIXEL.get(image.mode, 4) > limit:
            raise too_large(limit, _("frame %(frame)d") % {"frame": index + 1})
    image.seek(0)


# Email -------------------------------------------------------------------------------------


def email_part_check(part: Message, limit: int) -> None:
    """A MIME part's decoded size, known from its encoded size before decoding it."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    size = len(payload) * 3 // 4 if encoding == "base64" else len(payload)
    if size > limit:
        name = part.get_filename() or part.get_content_type()
        raise too_large(limit, _("the email part %(name)s") % {"name": name})
