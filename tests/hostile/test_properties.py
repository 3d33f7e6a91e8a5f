"""Property-based tests: file-name sanitising, email parsing and reference numbers."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.parsers.base import ParseContext, ParseResult, RejectedInput
from ingestion.parsers.email import EmlParser
from ingestion.preflight import MAX_NAME, sanitize_filename
from records_dms.archive.models import TYPE_CODES
from records_dms.archive.numbering import record_reference
from tests.factories import CustomerFactory

HOSTILE_CHARS = st.sampled_from(
    ["/", "\\", "..", ".", "\x00", "\n", "\r", "\t", "\u202e", "\u200b", "\ufeff", "档", " ", "%"]
)
NAMES = st.lists(st.one_of(st.text(max_size=40), HOSTILE_CHARS), max_size=60).map("".join)


@given(name=st.one_of(NAMES, st.text(max_size=1200)))
@settings(max_examples=300, deadline=None)
def test_a_sanitised_name_is_one_safe_bounded_path_part(name: str) -> None:
    safe = sanitize_filename(name)
    assert 0 < len(safe) <= MAX_NAME
    assert "/" not in safe and "\\" not in safe and safe not in (".", "..")
    assert not safe.startswith(".")
    assert safe == safe.strip()
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co") for c in safe)
    assert sanitize_filename(safe) == safe  # stable: sanitising twice changes nothing


@given(stem=st.text(min_size=1, max_size=400).filter(lambda s: s.isalnum()))
@settings(max_examples=100, deadline=None)
def test_a_long_name_keeps_its_extension(stem: str) -> None:
    safe = sanitize_filename(f"{stem}.pdf")
    assert safe.endswith(".pdf") or safe == "unnamed"


CHARSETS = st.one_of(
    st.sampled_from(
        ["utf-8", "gb2312", "gbk", "gb18030", "big5", "latin-1", "x-klingon", "utf-7", "", "rot13"]
    ),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=20),
)
HEADER_TEXT = st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.hex()))


def header_bytes(value: str) -> bytes:
    return re.sub(r"[\r\n]", " ", value).encode("utf-8", "surrogatepass")


@st.composite
def emails(draw: Any) -> bytes:
    charset = draw(CHARSETS)
    kind = draw(st.sampled_from(["b", "q", "B", "Q"]))
    word = draw(st.binary(max_size=60)).hex() if kind in "bB" else draw(HEADER_TEXT)
    subject = f"=?{charset}?{kind}?{word}?= {draw(HEADER_TEXT)}"
    extra = draw(st.lists(st.tuples(st.from_regex(r"X-[A-Za-z]{1,10}", fullmatch=True),
                                    HEADER_TEXT), max_size=5))  # fmt: skip
    lines = [b"From: " + header_bytes(draw(HEADER_TEXT)) + b" <a@example.cn>",
             b"To: b@example.cn", b"Subject: " + header_bytes(subject)]  # fmt: skip
    lines += [name.encode() + b": " + header_bytes(value) for name, value in extra]
    if draw(st.booleans()):
        lines.append(b"Content-Type: text/plain; charset=" + header_bytes(draw(CHARSETS)))
    encodings = [b"8bit", b"base64", b"quoted-printable", b"x-bogus"]
    lines.append(b"Content-Transfer-Encoding: " + draw(st.sampled_from(encodings)))
    return b"\r\n".join(lines) + b"\r\n\r\n" + draw(st.binary(max_size=500))


@given(data=st.one_of(emails(), st.binary(max_size=600).map(lambda b: b"From: a\r\nTo: b\r\n" + b)))
@settings(max_examples=200, deadline=None)
def test_any_email_is_parsed_or_refused_with_a_reason(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mail.eml"
        path.write_bytes(data)
        context = ParseContext(work_dir=Path(folder) / "work")
        context.work_dir.mkdir()
        parser = EmlParser()
        try:
            parser.check(path, context)
            result = parser.parse(path, context)
        except RejectedInput as refusal:
            assert str(refusal).strip()
            return
    assert isinstance(result, ParseResult)
    assert len(result.pages) == 1 and "\x00" not in result.pages[0].text
    assert all("\x00" not in value for value in result.metadata.values())
    assert result.title and "\n" not in result.title and "\x00" not in result.title


REFERENCE = re.compile(r"^(KH-\d{4})-([A-Z]{2})-(\d{4})-(\d{4})$")


@pytest.mark.django_db
@given(
    calls=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(sorted(TYPE_CODES)), st.integers(1990, 2030)),
        min_size=1,
        max_size=40,
    )
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_reference_numbers_are_well_formed_unique_and_gap_free(
    calls: list[tuple[int, str, int]], reference_customers: list[Any]
) -> None:
    seen: set[str] = set()
    last: dict[tuple[str, str, int], int] = defaultdict(int)
    for index, record_type, year in calls:
        customer = reference_customers[index]
        reference = record_reference(customer, record_type, year)
        match = REFERENCE.match(reference)
        assert match, reference
        code, type_code, ref_year, number = match.groups()
        assert (code, type_code, int(ref_year)) == (customer.code, TYPE_CODES[record_type], year)
        assert reference not in seen
        seen.add(reference)
        key = (code, type_code, year)
        # Monotonic and gap-free per customer, type and year (whatever earlier examples used).
        assert last[key] == 0 or int(number) == last[key] + 1, (key, last[key], number)
        last[key] = int(number)


@pytest.fixture
def reference_customers(db: None) -> list[Any]:
    return [CustomerFactory.create(code=f"KH-{9000 + n}") for n in range(3)]
