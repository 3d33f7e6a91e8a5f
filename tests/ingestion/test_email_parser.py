import base64
import datetime
import random
import struct
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

import pytest

from ingestion.parsers import email as email_parser
from ingestion.parsers.base import ParseContext, RejectedInput
from ingestion.parsers.email import EmlParser, MsgParser, looks_like_email

BODY = "顾客投诉处理完毕后,应将顾客投诉档案做好记录保存。一般保存期限为3年。"
RARE = "鎔㐀"  # 鎔 is GBK but not GB2312; 㐀 exists only in GB18030's four-byte range
SUBJECT = "关于顾客投诉的处理结果"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def context(tmp_path):
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    return ParseContext(work_dir=work_dir)


def write(tmp_path, data, name="mail.eml"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.as_bytes())
    return path


def chinese_message():
    msg = MIMEMultipart()
    msg["From"] = formataddr(("张三", "zhang@example.com"), charset="gb2312")
    msg["To"] = formataddr(("李四", "li@example.com"), charset="utf-8")
    msg["Cc"] = "wang@example.com"
    msg["Subject"] = Header(SUBJECT, "gb2312").encode()
    msg["Date"] = "Wed, 06 Mar 2024 07:30:00 +0800"  # still 5 March in UTC
    # Declared gb2312 but encoded with GB18030, as real Chinese mailers do.
    text = MIMENonMultipart("text", "plain", charset="gb2312")
    text.set_payload(base64.encodebytes((BODY + RARE).encode("gb18030")).decode())
    text["Content-Transfer-Encoding"] = "base64"
    msg.attach(text)
    pdf = MIMEApplication(PDF, "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "投诉记录.pdf"))
    msg.attach(pdf)
    return msg


def test_chinese_message_is_decoded(tmp_path, context):
    path = write(tmp_path, chinese_message())
    EmlParser().check(path, context)
    result = EmlParser().parse(path, context)

    assert result.metadata == {
        "from": "张三 <zhang@example.com>",
        "to": "李四 <li@example.com>",
        "cc": "wang@example.com",
        "date": "2024-03-06T07:30:00+08:00",
        "subject": SUBJECT,
    }
    assert result.title == SUBJECT
    assert result.document_date == datetime.date(2024, 3, 6)
    [page] = result.pages
    assert page.source == "text_layer"
    assert page.text == (
        "发件人: 张三 <zhang@example.com>\n"
        "收件人: 李四 <li@example.com>\n"
        "抄送: wang@example.com\n"
        "日期: 2024-03-06T07:30:00+08:00\n"
        f"主题: {SUBJECT}\n"
        "\n"
        f"{BODY}{RARE}"
    )
    [attachment] = result.attachments
    assert attachment.name == "投诉记录.pdf"
    assert attachment.path == context.work_dir / "attachments" / "1-投诉记录.pdf"
    assert attachment.path.read_bytes() == PDF


def test_gbk_subject_split_across_encoded_words_and_raw_8bit_headers(tmp_path, context):
    gbk = "投诉鎔".encode("gbk")
    # Each encoded word carries half of a character's bytes; they must be joined first.
    words = " ".join(f"=?GB2312?B?{base64.b64encode(gbk[i : i + 3]).decode()}?=" for i in (0, 3))
    raw = (
        b"From: =?utf-8?Q?=E5=BC=A0=E4=B8=89?= <z@example.com>\r\n"
        b"To: \xe6\x9d\x8e\xe5\x9b\x9b <l@example.com>\r\n"  # raw UTF-8, no RFC 2047
        b"Subject: Re: " + words.encode() + b"\r\n"
        b"Date: not a date\r\n"
        b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        + "正\x00文".encode()  # NUL cannot be stored in PostgreSQL text
        + b"\r\n--XX\r\nContent-Type: application/octet-stream;\r\n"
        b' name="=?GB2312?B?' + base64.b64encode("报告鎔.doc".encode("gbk")) + b'?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"doc") + b"\r\n--XX--\r\n"
    )
    result = EmlParser().parse(write(tmp_path, raw), context)
    assert result.metadata["subject"] == "Re: 投诉鎔"
    assert result.metadata["from"] == "张三 <z@example.com>"
    assert result.metadata["to"] == "李四 <l@example.com>"
    assert result.metadata["date"] == "not a date"
    assert result.document_date is None
    assert result.pages[0].text.endswith("\n\n正文")
    [attachment] = result.attachments
    assert attachment.name == "报告鎔.doc"
    assert attachment.path.read_bytes() == b"doc"


def test_html_only_message_becomes_text(tmp_path, context):
    markup = (
        "<html><head><title>T</title><style>p {color: red}</style>"
        "<script>alert('x')</script></head><body><p>您好&nbsp;&amp;&lt;欢迎&gt;</p>"
        "<table><tr><td>一</td><td>二</td></tr></table><div>第二段</div></body></html>"
    )
    msg = MIMEText(markup, "html", "utf-8")
    msg["From"] = "a@example.com"
    msg["Date"] = "Tue, 05 Mar 2024 10:00:00 +0000"
    result = EmlParser().parse(write(tmp_path, msg), context)
    body = result.pages[0].text.split("\n\n", 1)[1]
    assert body == "您好 &<欢迎>\n一 二\n第二段"
    assert result.title == "(无主题)"
    assert result.metadata["subject"] == ""
    assert result.attachments == []


def test_plain_text_is_preferred_over_html(tmp_path, context):
    msg = MIMEMultipart("alternative")
    msg["Subject"] = "alt"
    msg.attach(MIMEText("纯文本", "plain", "utf-8"))
    msg.attach(MIMEText("<p>超文本</p>", "html", "utf-8"))
    text = EmlParser().parse(write(tmp_path, msg), context).pages[0].text
    assert text.endswith("纯文本")
    assert "超文本" not in text


def test_nested_message_is_saved_not_recursed(tmp_path, context):
    inner = MIMEText("内层正文", "plain", "utf-8")
    inner["Subject"] = Header("内层邮件", "utf-8").encode()
    inner["From"] = "inner@example.com"
    outer = MIMEMultipart(boundary="OUTER")
    outer["Subject"] = "Fwd"
    outer["From"] = "outer@example.com"
    outer.attach(MIMEText("外层", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    # A second nested message with raw 8-bit headers and an 8-bit body: saved byte for byte.
    raw_inner = "From: 王五 <w@example.com>\nSubject: 原始\n\n八位正文\n".encode("gb18030")
    outer_bytes = outer.as_bytes().replace(
        b"\n--OUTER--",
        b"\n--OUTER\nContent-Type: message/rfc822\n\n" + raw_inner.rstrip(b"\n") + b"\n--OUTER--",
    )
    result = EmlParser().parse(write(tmp_path, outer_bytes), context)
    assert "内层正文" not in result.pages[0].text
    assert "八位正文" not in result.pages[0].text
    first, second = result.attachments
    assert first.name == "内层邮件.eml"
    assert first.path.read_bytes() == inner.as_bytes()
    first_parsed = EmlParser().parse(first.path, context)
    assert first_parsed.title == "内层邮件"
    assert first_parsed.pages[0].text.endswith("内层正文")
    assert second.name == "原始.eml"
    assert second.path.read_bytes() == raw_inner.rstrip(b"\n")
    assert EmlParser().parse(second.path, context).metadata["from"] == "王五 <w@example.com>"


def test_empty_plain_part_falls_back_to_html(tmp_path, context):
    msg = MIMEMultipart("alternative")
    msg["Subject"] = "alt"
    msg.attach(MIMEText(" \n", "plain", "utf-8"))
    msg.attach(MIMEText("<p>超文本</p>", "html", "utf-8"))
    assert EmlParser().parse(write(tmp_path, msg), context).pages[0].text.endswith("\n\n超文本")


def test_attachment_names_are_sanitised(tmp_path, context):
    msg = MIMEMultipart()
    msg["Subject"] = "names"
    msg["From"] = "a@example.com"
    long_name = "长" * 300 + ".pdf"
    for name in ("../../etc/pass\x07wd", long_name):
        part = MIMEApplication(PDF, "pdf")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        msg.attach(part)
    image = MIMEImage(b"\x89PNG\r\n", "png")  # named, not text, no disposition: an attachment
    image.set_param("name", "logo.png")
    msg.attach(image)
    first, second, third = EmlParser().parse(write(tmp_path, msg), context).attachments
    folder = context.work_dir / "attachments"
    assert first.name == "../../etc/pass\x07wd"
    assert first.path == folder / "1-passwd"
    assert second.name == long_name
    assert second.path.parent == folder
    assert second.path.name.endswith(".pdf")
    assert len(second.path.name) <= len("2-") + email_parser.MAX_NAME_CHARS
    assert third.name == "logo.png"
    assert third.path == folder / "3-logo.png"


def test_body_text_is_capped(tmp_path, context, monkeypatch):
    monkeypatch.setattr(email_parser, "MAX_BODY_CHARS", 10)
    msg = MIMEText("一" * 50, "plain", "utf-8")
    msg["Subject"] = "long"
    text = EmlParser().parse(write(tmp_path, msg), context).pages[0].text
    assert text == "主题: long\n\n" + "一" * 10


def test_too_many_attachments_are_refused(tmp_path, context):
    msg = MIMEMultipart()
    msg["Subject"] = "many"
    msg["From"] = "a@example.com"
    for n in range(email_parser.MAX_ATTACHMENTS + 1):
        msg.attach(MIMEApplication(b"x", "octet-stream", Name=f"{n}.bin"))
    with pytest.raises(RejectedInput, match="too many attachments"):
        EmlParser().check(write(tmp_path, msg), context)


@pytest.mark.parametrize(
    "data",
    [
        b"Received: by mx.example.com\r\nX-Mailer: x\r\n\r\nno From, no Subject\r\n",
        b"Dear customer,\nSubject: this is prose, not a header block.\n",
        b"<!DOCTYPE html><html><body><p>From: a</p></body></html>",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"",
        random.Random(0).randbytes(8192),
    ],
    ids=["no-from-or-subject", "prose", "html", "pdf", "empty", "random"],
)
def test_malformed_input_is_refused(tmp_path, context, data):
    path = write(tmp_path, data)
    with pytest.raises(RejectedInput, match=r"^malformed email: "):
        EmlParser().check(path, context)
    with pytest.raises(RejectedInput):
        EmlParser().parse(path, context)


@pytest.mark.parametrize(
    "head",
    [
        b"Return-Path: <a@example.com>\r\nReceived: from x\r\n\tby y\r\nSubject: hi\r\n\r\nbody",
        b"From a@example.com Tue Mar  5 10:00:00 2024\nFrom: a@example.com\nTo: b@example.com\n",
        b"\xef\xbb\xbfX-Mailer: Foxmail\nMIME-Version: 1.0\nSubject: \xb2\xe2\xca\xd4\n",
        b"Delivered-To: b@example.com\nMessage-ID: <1@x>\nX-Spam: " + b"a" * 5000,
    ],
)
def test_looks_like_email_accepts_header_blocks(head):
    assert looks_like_email(head)


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"<html><head><title>From: x</title></head></html>",
        b"Hello,\r\nFrom: someone\r\nSubject: x\r\n\r\n",
        b"Subject: only one header\n\nbody",
        b"Note: one\nRemark: two\n\n",
        b"\r\nFrom: a\r\nTo: b\r\n",
        b"  From: a\nTo: b\n",
        b"",
        random.Random(1).randbytes(4096),
        "顾客投诉处理完毕后,应将顾客投诉档案做好记录保存。".encode("gb18030"),
    ],
)
def test_looks_like_email_rejects_other_content(head):
    assert not looks_like_email(head)


# --- Outlook .msg: built with extract_msg's own OLE writer, so nothing is downloaded ---


def utf16(text):
    return text.encode("utf-16-le")


def properties(header, entries):
    """A MAPI property stream: variable-size entries give a size, fixed ones the value."""
    out = header
    for tag, value in entries:
        if isinstance(value, bytes):  # unicode string sizes count the terminating NUL
            size = len(value) + (2 if tag & 0xFFFF == 0x001F else 0)
            out += struct.pack("<IIII", tag, 6, size, 0)
        else:
            out += struct.pack("<IIQ", tag, 6, value)
    return out


def build_msg(path, message_class="IPM.Note", transport_headers=None):
    from extract_msg.ole_writer import OleWriter

    writer = OleWriter()
    strings = {
        0x001A001F: utf16(message_class),
        0x0037001F: utf16(SUBJECT),
        0x1000001F: utf16(BODY + RARE),
        0x0C1A001F: utf16("张三"),
    }
    if transport_headers:
        strings[0x007D001F] = utf16(transport_headers)
    for tag, data in strings.items():
        writer.addEntry(f"__substg1.0_{tag:08X}", data)
    utc = datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC)
    filetime = (
        (utc - datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC))
        // datetime.timedelta(microseconds=1)
        * 10
    )
    fixed = [(0x00390040, filetime), (0x0E070003, 1)]  # submit time; flags: read, sent
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    attach = "__attach_version1.0_#00000000"
    writer.addEntry(attach, storage=True)
    writer.addEntry(f"{attach}/__substg1.0_37010102", PDF)
    writer.addEntry(f"{attach}/__substg1.0_3707001F", utf16("投诉记录.pdf"))
    att_props = [(0x37050003, 1), (0x37010102, PDF), (0x3707001F, utf16("投诉记录.pdf"))]
    writer.addEntry(f"{attach}/__properties_version1.0", properties(b"\0" * 8, att_props))
    header = b"\0" * 8 + struct.pack("<IIII", 0, 1, 0, 1) + b"\0" * 8
    writer.addEntry("__properties_version1.0", properties(header, [*strings.items(), *fixed]))
    writer.write(str(path))
    return path


def test_msg_is_parsed(tmp_path, context):
    path = build_msg(tmp_path / "mail.msg")
    MsgParser().check(path, context)
    result = MsgParser().parse(path, context)
    assert result.title == SUBJECT
    assert result.metadata["from"] == "张三"
    assert result.metadata["subject"] == SUBJECT
    # Without transport headers only the UTC submit time exists; extract_msg shows it in
    # the process's local zone, which Django sets from settings.TIME_ZONE.
    sent = datetime.datetime.fromisoformat(result.metadata["date"])
    assert sent == datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC)
    assert result.document_date == sent.date()
    assert result.pages[0].text.startswith("发件人: 张三\n")
    assert result.pages[0].text.endswith(f"\n\n{BODY}{RARE}")
    [attachment] = result.attachments
    assert attachment.name == "投诉记录.pdf"
    assert attachment.path == context.work_dir / "attachments" / "1-投诉记录.pdf"
    assert attachment.path.read_bytes() == PDF


def test_msg_transport_headers_keep_the_senders_time_zone(tmp_path, context):
    headers = (
        "From: =?gb2312?B?" + base64.b64encode("王五".encode("gb2312")).decode() + "?= <w@x.cn>\r\n"
        "To: li@example.com\r\n"
        "Date: Wed, 06 Mar 2024 07:30:00 +0800\r\n\r\n"
    )
    path = build_msg(tmp_path / "mail.msg", transport_headers=headers)
    result = MsgParser().parse(path, context)
    assert result.metadata["from"] == "王五 <w@x.cn>"
    assert result.metadata["to"] == "li@example.com"
    assert result.metadata["date"] == "2024-03-06T07:30:00+08:00"
    assert result.document_date == datetime.date(2024, 3, 6)


def test_msg_parser_refuses_other_files(tmp_path, context):
    from extract_msg.ole_writer import OleWriter

    ole = OleWriter()  # a valid OLE container that is not an Outlook item (like a .doc)
    ole.addEntry("WordDocument", b"\0" * 64)
    ole.write(str(tmp_path / "doc.msg"))
    garbage = write(tmp_path, random.Random(2).randbytes(4096), "garbage.msg")
    eml = write(tmp_path, chinese_message(), "mail.msg")
    for path in (tmp_path / "doc.msg", garbage, eml):
        with pytest.raises(RejectedInput, match=r"^malformed email: "):
            MsgParser().check(path, context)
        with pytest.raises(RejectedInput):
            MsgParser().parse(path, context)


def test_msg_other_than_ipm_note_still_needs_to_be_a_message(tmp_path, context):
    path = build_msg(tmp_path / "plain.msg", message_class="IPM")
    with pytest.raises(RejectedInput, match="not a message"):
        MsgParser().check(path, context)


def test_parsers_declare_their_mime_types():
    assert EmlParser.mime_types == frozenset({"message/rfc822"})
    assert MsgParser.mime_types == frozenset({"application/vnd.ms-outlook"})
