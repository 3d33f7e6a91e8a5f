"""Cost of a filing stamp (归档章): time and size of the stamped copy per PDF length.

`python -m benchmarks.stamp` prints a Markdown table (README, "档号 and 归档章"). The PDFs are
born-digital Chinese text made on the spot; each is stamped once to warm up, then five times.
The original's SHA-256 is checked unchanged after every run.
"""

from __future__ import annotations

import hashlib
import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    django.setup()
    from records_dms.common.pdfrender import render_text_pdf
    from records_dms.common.pdfstamp import StampFields, pdf_stamp

    lines = ["顾客投诉处理过程中形成的记录，均为该投诉的档案。" * 6] * 12
    fields = StampFields(fonds="Q001", year="2024", number="0007", org="TS", period="D10")
    print("| pages | PDF in | stamped copy | time per stamp (mean of 5) |")
    print("|---|---|---|---|")
    for pages in (1, 10, 100):
        pdf = render_text_pdf("归档章测试", [lines] * pages)
        before = hashlib.sha256(pdf).hexdigest()
        pdf_stamp(pdf, fields, name="warm-up")
        start = time.perf_counter()
        for _ in range(5):
            out = pdf_stamp(pdf, fields, name="bench")
        mean = (time.perf_counter() - start) / 5
        assert hashlib.sha256(pdf).hexdigest() == before
        print(
            f"| {pages} | {len(pdf) // 1024} KiB | {len(out) // 1024} KiB | {mean * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
