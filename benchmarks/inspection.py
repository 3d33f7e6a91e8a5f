"""The four-property check (四性检测): its cost per record, and a held-out batch with planted
faults, each of which must be found on its own item (and nothing on the clean records).

Creates, in a temporary data dir, a customer with clean records stored as the pipeline stores
them (born-digital PDFs of several pages, A4 scans at 300 dpi as PNG and JPEG, an email),
times ``inspect`` over them, then plants one fault in each of a fresh set of records, made
apart from the clean ones and mixed with eight new clean records, and counts what is found.

    .venv/bin/python benchmarks/inspection.py [--records 30]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


def setup() -> Any:
    os.environ["DMS_DATA_DIR"] = tempfile.mkdtemp(prefix="dms-bench-inspection-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    os.environ["DMS_INSPECT_ON_FILING"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store(
    customer: Any, data: bytes, name: str, mime: str, title: str = "会议纪要", pages: int = 1
) -> Any:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from records_dms.archive.services import record_create, record_pages_set

    sha = hashlib.sha256(data).hexdigest()
    key = f"originals/{sha[:2]}/{sha[2:4]}/{sha}"
    if not default_storage.exists(key):
        default_storage.save(key, ContentFile(data))
    record = record_create(
        customer=customer,
        type="minutes",
        title=title,
        document_date=datetime.date(2024, 5, 6),
        actor=None,
        original={"key": key, "name": name, "mime_type": mime, "size": len(data), "sha256": sha},
    )
    return record_pages_set(
        record=record,
        actor=None,
        pages=[(f"第{n + 1}页", "text_layer", None) for n in range(pages)],
    )


def pdf(n: int, pages: int = 3) -> bytes:
    from records_dms.common.pdfrender import render_text_pdf

    return render_text_pdf(
        f"会议纪要 {n}", [[f"第{p}页 议题{n}:客户投诉的处理与归档。" * 8] for p in range(pages)]
    )


def scan(n: int, fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(image).text((200, 200 + n), f"scan {n}", fill=0)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


def eml(n: int) -> bytes:
    return (
        f"From: a@example.com\r\nTo: b@example.com\r\nSubject: note {n}\r\n"
        f"Date: Mon, 6 May 2024 10:00:00 +0800\r\n\r\nbody {n}\r\n"
    ).encode()


def clean_record(customer: Any, n: int) -> Any:
    kind = n % 4
    if kind == 0:
        return store(customer, pdf(n), f"m{n}.pdf", "application/pdf", pages=3)
    if kind == 1:
        return store(customer, scan(n, "PNG"), f"s{n}.png", "image/png")
    if kind == 2:
        return store(customer, scan(n, "JPEG"), f"s{n}.jpg", "image/jpeg")
    return store(customer, eml(n), f"e{n}.eml", "message/rfc822")


def _pdf_with(n: int, change: Any) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(io.BytesIO(pdf(n, 1)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str) -> Any:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def change(writer: Any) -> None:
        action: dict[Any, Any] = {NameObject("/S"): NameObject(kind)}
        if kind == "/JavaScript":
            action[NameObject("/JS")] = TextStringObject("app.alert(1)")
        else:
            action[NameObject("/F")] = TextStringObject("cmd.exe")
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(action)

    return change


def plants(customer: Any, base: int) -> list[tuple[str, Any, str]]:
    """(fault, record, the item number that must fail)."""
    from django.core.files.storage import default_storage

    from records_dms.archive.models import Record
    from records_dms.archive.numbering import counter_next

    made: list[tuple[str, Any, str]] = []

    def add(name: str, record: Any, item: str) -> None:
        made.append((name, record, item))

    r = store(customer, pdf(base + 1), "a.pdf", "application/pdf", pages=3)
    path = Path(default_storage.path(r.original_key))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    add("digest changed", r, "1-1")
    encrypted = _pdf_with(base + 2, lambda w: w.encrypt("user-pw", "owner-pw"))
    add("encrypted PDF", store(customer, encrypted, "b.pdf", "application/pdf"), "3-3")
    add(
        "JavaScript PDF",
        store(customer, _pdf_with(base + 3, _action("/JavaScript")), "c.pdf", "application/pdf"),
        "4-2",
    )
    add(
        "Launch action PDF",
        store(customer, _pdf_with(base + 4, _action("/Launch")), "d.pdf", "application/pdf"),
        "4-2",
    )
    embed = _pdf_with(base + 5, lambda w: w.add_attachment("x.exe", b"MZ payload"))
    add("embedded file PDF", store(customer, embed, "e.pdf", "application/pdf"), "4-2")
    add("EICAR in a file", store(customer, b"memo " + EICAR + b"\n", "f.txt", "text/plain"), "4-1")
    r = store(customer, scan(base + 6, "PNG"), "g.png", "image/png")
    Record.objects.filter(pk=r.pk).update(title="")
    add("missing title", r, "2-2")
    counter_next(f"record:{customer.code}:JY:2024")
    add("gap in numbers", store(customer, scan(base + 7, "PNG"), "h.png", "image/png"), "2-3")
    add(
        "undecodable image",
        store(customer, scan(base + 8, "JPEG")[:5000], "i.jpg", "image/jpeg"),
        "3-2",
    )
    r = store(customer, scan(base + 9, "PNG"), "j.png", "image/png")
    Record.objects.filter(pk=r.pk).update(size=r.size + 10)
    add("wrong size", r, "1-7")
    add(
        "format disagrees with type",
        store(customer, scan(base + 10, "PNG"), "k.pdf", "application/pdf"),
        "1-7",
    )
    r = store(customer, pdf(base + 11), "l.pdf", "application/pdf", pages=3)
    default_storage.delete(r.original_key)
    add("original missing", r, "1-1")
    add(
        "format not allowed (Word)",
        store(
            customer,
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "m.doc",
            "application/msword",
        ),
        "3-1",
    )
    r = store(customer, pdf(base + 12), "n.pdf", "application/pdf", pages=3)
    Record.objects.filter(pk=r.pk).update(page_count=5)
    add("pages missing", r, "2-5")
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=30)
    args = parser.parse_args()
    setup()
    from records_dms.archive.models import Record
    from records_dms.archive.services import customer_create
    from records_dms.inspection.models import Occasion, Outcome
    from records_dms.inspection.services import inspect

    customer = customer_create(code="KH-0900", name="基准客户", actor=None)
    clean = [clean_record(customer, n) for n in range(args.records)]
    start = time.perf_counter()
    inspection = inspect(clean, occasion=Occasion.MANUAL)
    elapsed = time.perf_counter() - start
    per = elapsed / len(clean) * 1000
    print(f"| clean batch | {len(clean)} records | {elapsed:.2f} s | {per:.0f} ms/record |")
    print(f"| faults on the clean batch | {inspection.failed} |")
    one = clean[0]
    start = time.perf_counter()
    inspect([Record.objects.get(pk=one.pk)], occasion=Occasion.FILING)
    print(f"| one 3-page PDF alone (as at filing) | {time.perf_counter() - start:.2f} s |")

    # Held out: the faulty records are mixed with fresh clean ones in an order the seed decides.
    other = customer_create(code="KH-0901", name="留出客户", actor=None)
    planted = plants(other, 1000)
    fresh = [clean_record(other, 2000 + n) for n in range(8)]
    batch = [r for _name, r, _item in planted] + fresh
    # The check sees them mixed, in the archive's order, fetched afresh.
    batch = list(Record.objects.filter(pk__in=[r.pk for r in batch]).select_related("customer"))
    start = time.perf_counter()
    held_out = inspect(batch, occasion=Occasion.MANUAL)
    took = time.perf_counter() - start
    failed = set(held_out.results.filter(outcome=Outcome.FAIL).values_list("record_id", "code"))
    found = 0
    for name, record, item in planted:
        hit = (record.pk, f"BC-{item}") in failed
        found += hit
        print(f"| {name} | {item} | {'found' if hit else 'MISSED'} |")
    planted_ids = {r.pk for _n, r, _i in planted}
    false = sorted(code for pk, code in failed if pk not in planted_ids and pk is not None)
    print(f"| planted faults found | {found}/{len(planted)} ({found / len(planted):.0%}) |")
    print(f"| faults on the {len(fresh)} clean records of the batch | {len(false)} {false} |")
    print(f"| held-out batch | {len(batch)} records | {took:.2f} s |")


if __name__ == "__main__":
    main()
