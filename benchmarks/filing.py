"""Filing one file through the whole pipeline, in this process or as the memory run's child.

As a script (``python benchmarks/filing.py FILE``) it files FILE into the benchmark's data
folder (DMS_DATA_DIR, set up by run.py) and prints one JSON line. It imports only what a
worker imports, so its memory is a worker's.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

CUSTOMER = "BENCH-0001"


def setup_django(data_dir: Path, workers: int) -> None:
    os.environ["DMS_DATA_DIR"] = str(data_dir)
    os.environ["DMS_OCR_WORKERS"] = str(workers)
    os.environ.setdefault("DMS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    import django

    django.setup()


def file_document(path: Path) -> tuple[Any, float]:
    """File one file through the whole pipeline and wait for it; the job and its seconds."""
    from ingestion.services import ingest_submit
    from records_dms.archive.models import Customer

    customer = Customer.objects.get(code=CUSTOMER)
    start = time.perf_counter()
    with path.open("rb") as stream:
        job = ingest_submit(
            customer=customer, stream=stream, filename=path.name, actor=None,
            record_type="other", channel="scan", wait=True,
        )  # fmt: skip
    return job, time.perf_counter() - start


def filed_pages(job: Any) -> list[tuple[str, str]]:
    if job.status != "filed" or job.record is None:
        raise RuntimeError(f"{job.original_name} was not filed: {job.status} {job.reason}")
    return list(job.record.pages.order_by("number").values_list("text", "source"))


def main(path: Path) -> None:
    """The child of the memory run: file one PDF, print what happened as one JSON line."""
    job, seconds = file_document(path)
    pages = filed_pages(job)
    status = Path("/proc/self/status").read_text()
    peak_kb = int(status.split("VmHWM:")[1].split()[0])  # this process's own peak, exact
    print(json.dumps({
        "status": job.status, "pages": len(pages), "seconds": seconds,
        "ocr_pages": sum(source == "ocr" for _text, source in pages), "python_mb": peak_kb / 1024,
    }))  # fmt: skip


if __name__ == "__main__":
    # Run as a script, this folder comes first on the path and its search.py (the search
    # benchmark) would hide the search package: the repository root takes its place.
    sys.path[0] = str(Path(__file__).resolve().parents[1])
    setup_django(Path(os.environ["DMS_DATA_DIR"]), len(os.sched_getaffinity(0)))
    main(Path(sys.argv[1]))
