"""Email parsers (.eml and Outlook .msg): one text page plus attachments for the pipeline.

Nested messages are saved as attachments, never recursed into: the pipeline owns the depth
limit. Decoding is forgiving because Chinese mail often declares gb2312 and sends GBK.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import html
import logging
import mimetypes
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any, ClassVar

from django.utils.translation import gettext as _

from ingestion.inflate import email_part_check
from ingestion.parsers.base import Attachment, ParseContext, ParsedPage, ParseResult, RejectedInput

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 2_000_000
MAX_ATTACHMENTS = 100
MAX_PARTS = 1000  # MIME parts walked: bounds the work a hostile message can cause
MAX_NAME_CHARS = 150
NO_SUBJECT = "(无主题)"
LABELS = {"from": "发件人", "to": "收件人", "cc": "抄送", "date": "日期", "subject": "主题"}

# Real "GB2312" mail routinely carries GBK characters; GB18030 is a superset of both.
_GB_ALIASES = frozenset({"gb2312", "gbk", "x-gbk", "cp936", "ms936", "euc-cn", "x-euc-cn"})
_HEADER_NAMES = frozenset(
    b"return-path received from to cc bcc subject date message-id mime-version content-type "
    b"content-transfer-encoding delivered-to reply-to sender in-reply-to references "
    b"thread-topic thread-index dkim-signature authentication-results list-id".split()
)
_HEADER_LINE = re.compile(rb"([!-9;-~]+):")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?]*)\?=")


class _Message(Message):
    """Leaves nested messages unparsed: re-generating them is lossy and can fail on 8-bit."""

    def get_content_maintype(self) -> str:
        maintype = super().get_content_maintype()
        return "application" if maintype == "message" else maintype


_POLICY = Compat32(message_factory=_Message)


def looks_like_email(head: bytes) -> bool:
    """Needs two known header names, so prose opening with "Note: …" is not taken for mail."""
    lines = head[:4096].removeprefix(b"\xef\xbb\xbf").split(b"\n")
    if lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    known = 0
    for index, raw in enumerate(lines):
        line = raw.rstrip(b"\r")
        if not line:
            break
        match = _HEADER_LINE.match(line)
        if index == 0 and match is None:
            return False
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the previous header
            continue
        if match is None:
            break
        name = match.group(1).lower()
        known += name in _HEADER_NAMES or name.startswith(b"x-")
    return known >= 2


def _plausible(text: str) -> float:
    sample = text[:10000]
    good = sum(c < "\x80" or "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in sample)
    return good / len(sample) if sample else 1.0


def _decode(data: bytes, charset: str | None = None) -> str:
    """Declared charset first; otherwise whichever of UTF-8 and GB18030 reads as CJK or ASCII.

    Short GBK strings are often valid UTF-8 too ("原始" reads as "ԭʼ"), so validity alone
    cannot choose; on a tie UTF-8 wins, since GB18030 accepts almost any byte string.
    """
    declared = (charset or "").strip().strip("\"'").split("*")[0].lower()
    try:
        if declared:
            return data.decode("gb18030" if declared in _GB_ALIASES else declared)
    except (LookupError, ValueError):  # unknown or non-text codec, bad bytes, NUL in name
        pass
    candidates = []
    for codec in ("utf-8", "gb18030"):
        try:
            candidates.append(data.decode(codec))
        except ValueError:
            continue
    return max(candidates, key=_plausible) if candidates else data.decode("utf-8", "replace")


def _unraw(value: str) -> str:
    """Undoes the parser's surrogate escapes for 8-bit bytes sent without RFC 2047."""
    if re.search("[\udc80-\udcff]", value):
        return _decode(value.encode("utf-8", "surrogateescape"))
    return value


def _header_text(raw: str) -> str:
    """RFC 2047 decoding done here so that a wrong charset label cannot produce U+FFFD."""
    raw, pos = _unraw(raw), 0
    chunks: list[tuple[str | None, bytes | str]] = []
    for match in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : match.start()]
        if gap and not (gap.isspace() and chunks and chunks[-1][0] is not None):
            chunks.append((None, gap))
        charset, kind, text = match.group(1).lower(), match.group(2).lower(), match.group(3)
        try:
            if kind == "b":
                data = base64.b64decode(text + "=" * (-len(text) % 4))
            else:
                data = binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
        except (binascii.Error, ValueError):
            chunks.append((None, match.group(0)))
        else:  # adjacent words may split a multi-byte character, so join their bytes first
            last = chunks[-1] if chunks else (None, "")
            if last[0] == charset and isinstance(last[1], bytes):
                chunks[-1] = (charset, last[1] + data)
            else:
                chunks.append((charset, data))
        pos = match.end()
    chunks.append((None, raw[pos:]))
    text = "".join(c if isinstance(c, str) else _decode(c, cs) for cs, c in chunks)
    return " ".join(text.split())


def _get(msg: Message, name: str) -> str:
    values = (_header_text(str(v)) for k, v in msg.raw_items() if k.lower() == name)
    return ", ".join(filter(None, values))


def _filename(part: Message) -> str | None:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        probe = Message()  # get_param mangles 8-bit values, so it is handed decoded text
        for key, raw in part.raw_items():
            if key.lower() == header:
                probe[header] = re.sub(r"[\r\n]", "", _unraw(str(raw)))
        try:
            value = probe.get_param(param, header=header)
        except (TypeError, ValueError, IndexError):  # broken RFC 2231 continuations
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded latin-1)
            try:
                value = _decode(value[2].encode("latin-1"), value[0])
            except UnicodeEncodeError:
                value = value[2]
        if isinstance(value, str) and (name := _header_text(value)):
            return name
    return None


def _date(raw: str) -> datetime.datetime | None:
    try:
        return parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>?")
_BLOCK_TAG = re.compile(r"p|div|br|li|tr|table|ul|ol|h[1-6]|blockquote|pre|hr")


def html_to_text(markup: str) -> str:
    """A linear scan: html.parser is quadratic on input like "<a<a<a…" in Python 3.11."""
    source = markup[: MAX_BODY_CHARS * 2]
    lower, out, pos = source.lower(), [], 0
    while (lt := source.find("<", pos)) != -1:
        out.append(source[pos:lt])
        tag = _TAG.match(source, lt)
        if tag is None and source.startswith(("<!", "<?"), lt):  # comment, doctype, PI
            close = "-->" if source.startswith("<!--", lt) else ">"
            end = source.find(close, lt + 2)
            pos = len(source) if end == -1 else end + len(close)
        elif tag is None:  # a bare "<" in text
            out.append("<")
            pos = lt + 1
        else:
            name, pos = tag.group(2).lower(), tag.end()
            if not tag.group(1) and name in ("script", "style", "title"):
                end = lower.find(f"</{name}", pos)
                pos = len(source) if end == -1 else end
            out.append("\n" if _BLOCK_TAG.fullmatch(name) else " " if name in ("td", "th") else "")
    out.append(source[pos:])
    lines = (" ".join(line.split()) for line in html.unescape("".join(out)).splitlines())
    return "\n".join(filter(None, lines))


def _result(meta: dict[str, str], body: str, dt: datetime.datetime | None) -> ParseResult:
    meta = {key: (meta.get(key) or "").replace("\x00", "") for key in LABELS}
    if dt is not None:
        meta["date"] = dt.isoformat()
    head = "\n".join(f"{label}: {meta[key]}" for key, label in LABELS.items() if meta[key])
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_BODY_CHARS]
    return ParseResult(
        pages=[ParsedPage(text=f"{head}\n\n{body}".replace("\x00", ""), source="text_layer")],
        title=meta["subject"] or NO_SUBJECT,
        document_date=dt.date() if dt is not None else None,
        metadata=meta,
    )


def _safe_name(name: str) -> str:
    name = "".join(c for c in re.split(r"[\\/]", name)[-1] if unicodedata.category(c)[0] != "C")
    stem, ext = os.path.splitext(name.strip(" .") or "attachment")
    if len(ext) > 16:
        stem, ext = stem + ext, ""
    stem = stem[: MAX_NAME_CHARS - len(ext)]
    while len((stem + ext).encode()) > 200:  # file systems limit bytes, not characters
        stem = stem[:-1]
    return stem + ext


def _save(context: ParseContext, items: Iterable[tuple[str, bytes]]) -> list[Attachment]:
    saved, folder = [], context.work_dir / "attachments"
    for number, (raw_name, data) in enumerate(items, 1):
        name = raw_name.replace("\x00", "")  # PostgreSQL text cannot hold NUL
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{number}-{_safe_name(name)}"
        path.write_bytes(data)
        saved.append(Attachment(name=name, path=path))
    return saved


def _limit_attachments(count: int, limit: int = MAX_ATTACHMENTS) -> None:
    if count > limit:
        raise RejectedInput(_("too many attachments (more than %(n)d)") % {"n": limit})


def _limit_header(handle: IO[bytes], limit: int) -> None:
    """Refuse a header block larger than ``limit`` bytes before the parser sees any of it."""
    seen = 0
    for line in handle:
        if line in (b"\r\n", b"\n"):
            return
        seen += len(line)
        if seen > limit:
            raise RejectedInput(
                _("the email's header is larger than the limit of %(kb)d KB")
                % {"kb": limit // 1024}
            )


class EmlParser:
    mime_types: ClassVar[frozenset[str]] = frozenset({"message/rfc822"})

    def check(self, path: Path, context: ParseContext) -> None:
        self._scan(self._load(path, context), context)

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        msg = self._load(path, context)
        bodies, parts = self._scan(msg, context)
        texts = [t for p in bodies if p.get_content_subtype() == "plain" and (t := self._text(p))]
        if not "".join(texts).strip():  # no plain part, or an empty one beside the HTML
            texts = [
                html_to_text(self._text(p)) for p in bodies if p.get_content_subtype() == "html"
            ]
        meta = {key: _get(msg, key) for key in LABELS}
        result = _result(meta, "\n\n".join(texts), _date(meta["date"]))
        result.attachments = _save(context, map(self._attachment, parts))
        return result

    @staticmethod
    def _load(path: Path, context: ParseContext) -> Message:
        with path.open("rb") as handle:
            if not looks_like_email(handle.read(4096)):
                raise RejectedInput(_("malformed email: no RFC 5322 header block"))
            handle.seek(0)
            _limit_header(handle, context.max_email_header_bytes)
            handle.seek(0)
            try:
                msg = BytesParser(policy=_POLICY).parse(handle)
            except (RecursionError, ValueError, LookupError) as exc:
                raise RejectedInput(
                    _("malformed email: undecodable structure (%(e)s)") % {"e": exc}
                ) from exc
        if not (_get(msg, "from") or _get(msg, "subject")):
            raise RejectedInput(_("malformed email: neither From nor Subject"))
        return msg

    @staticmethod
    def _scan(msg: Message, context: ParseContext) -> tuple[list[Message], list[Message]]:
        """Walks the MIME tree but not into nested messages, which stay attachments."""
        bodies: list[Message] = []
        attachments: list[Message] = []
        stack, seen = [msg], 0
        while stack:
            part, seen = stack.pop(), seen + 1
            if seen > context.max_email_parts:
                raise RejectedInput(
                    _("malformed email: more than %(n)d MIME parts")
                    % {"n": context.max_email_parts}
                )
            ctype, payload = part.get_content_type(), part.get_payload()
            if ctype.startswith("multipart/") and isinstance(payload, list):
                stack.extend(p for p in reversed(payload) if isinstance(p, Message))
                continue
            email_part_check(part, context.max_inflate_bytes)
            if ctype == "message/rfc822" or part.get_content_disposition() == "attachment":
                attachments.append(part)
            elif part.get_content_maintype() != "text":
                attachments.extend([part] if _filename(part) is not None else [])
            elif ctype in ("text/plain", "text/html"):
                bodies.append(part)
            _limit_attachments(len(attachments), context.max_attachments)
        return bodies, attachments

    @staticmethod
    def _text(part: Message) -> str:
        data = part.get_payload(decode=True)
        return _decode(data, part.get_content_charset()) if isinstance(data, bytes) else ""

    @staticmethod
    def _attachment(part: Message) -> tuple[str, bytes]:
        name, data = _filename(part), part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        if part.get_content_type() == "message/rfc822":
            inner = BytesParser(policy=_POLICY).parsebytes(data[:65536], headersonly=True)
            name = name or f"{_get(inner, 'subject') or 'message'}.eml"
            return name if name.lower().endswith(".eml") else f"{name}.eml", data
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        return name or f"attachment{ext}", data


@contextmanager
def _open_msg(path: Path) -> Iterator[Any]:
    import extract_msg  # heavy (bs4, RTF tooling), so loaded only when an .msg arrives
    from extract_msg.msg_classes import MessageBase

    try:
        msg = extract_msg.openMsg(str(path))
    except Exception as exc:  # extract_msg raises many unrelated types for corrupt input
        raise RejectedInput(
            _("malformed email: not a readable Outlook message (%(e)s)") % {"e": exc}
        ) from exc
    try:
        if not isinstance(msg, MessageBase):
            raise RejectedInput(_("malformed email: the Outlook item is not a message"))
        yield msg
    except RejectedInput:
        raise
    except Exception as exc:  # corrupt streams only surface when first read
        raise RejectedInput(
            _("malformed email: unreadable Outlook message (%(e)s)") % {"e": exc}
        ) from exc
    finally:
        msg.close()


class MsgParser:
    mime_types: ClassVar[frozenset[str]] = frozenset({"application/vnd.ms-outlook"})

    def check(self, path: Path, context: ParseContext) -> None:
        with _open_msg(path) as msg:
            self._read(msg)

    def parse(self, path: Path, context: ParseContext) -> ParseResult:
        with _open_msg(path) as msg:  # read everything first: files are written outside
            meta, body, dt, attachments = self._read(msg)
        result = _result(meta, body, dt)
        result.attachments = _save(context, attachments)
        return result

    def _read(
        self, msg: Any
    ) -> tuple[dict[str, str], str, datetime.datetime | None, list[tuple[str, bytes]]]:
        _limit_attachments(len(msg.attachments))
        # Transport headers, when kept, hold the sender's time zone; MAPI dates are UTC.
        header = msg.header if msg.headerText else Message()
        meta = {
            key: _header_text(str(header.get(key) or "")) or " ".join((prop or "").split())
            for key, prop in (("from", msg.sender), ("to", msg.to), ("cc", msg.cc))
        }
        meta["subject"] = " ".join((msg.subject or "").split()) or _get(header, "subject")
        dt = _date(str(header.get("date") or "")) or msg.date  # local time if from MAPI
        dt = dt if dt is None or dt.year < 4500 else None  # 4500 is MAPI's "no date"
        return meta, self._body(msg), dt, list(self._attachments(msg))

    @staticmethod
    def _body(msg: Any) -> str:
        try:  # the RTF fallbacks inside extract_msg fail in many ways on odd files
            if body := msg.body:
                return str(body)
            return html_to_text(_decode(msg.htmlBody)) if msg.htmlBody else ""
        except Exception:
            logger.warning("unreadable .msg body", exc_info=True)
            return ""

    @staticmethod
    def _attachments(msg: Any) -> Iterator[tuple[str, bytes]]:
        from extract_msg.msg_classes import MSGFile

        for att in msg.attachments:
            data, name = att.data, getattr(att, "name", None)
            if isinstance(data, MSGFile):  # an embedded message, kept whole as its own .msg
                try:
                    data = data.exportBytes(allowBadEmbed=True)
                except Exception:
                    logger.warning("embedded .msg could not be exported", exc_info=True)
                    continue
                name = name or "message.msg"
            if isinstance(data, bytes):  # web links and broken attachments carry no bytes
                yield name or "attachment.bin", data
