"""Hostile e-mails: malformed, deeply nested, huge headers, unknown charsets, MIME bombs."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from tests.hostile.corpus.cases import FILED, REFUSED, case

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
