"""The users of `make bench-load` (benchmarks/load.py runs this file with locust, headless).

Each locust user takes a signed-in session of one of the accounts load.py made (an auditor,
or a staff member granted a few customers; its own session, made in advance as a sign-in
makes one, because a PBKDF2 sign-in costs about a second of CPU) and then, with no pause,
searches
(the admin search page and GET /api/v1/search/) and opens dossiers and record pages. Staff
filter half their searches to one granted customer; the auditor searches the whole archive.

Every response of a staff member is checked for a permission leak: a record link or hit
outside the records that staff member may see (granted customers, cleared levels) fails the
request as "leak", and staff also ask for a dossier and a record they may not see, which must
be 404. Each request is also written to LOAD_SAMPLES (one JSON line) so load.py computes exact
percentiles.

The plan (accounts, record ids, queries) comes from the JSON file named by LOAD_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
SAMPLES = Path(os.environ["LOAD_SAMPLES"])
RECORD_LINK = re.compile(r"/admin/archive/records/(\d+)/")
_accounts = {role: itertools.cycle(PLAN["accounts"][role]) for role in PLAN["accounts"]}
_lock = threading.Lock()
_handle = SAMPLES.open("a", encoding="utf-8")


@events.request.add_listener
def _sample(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: Exception | None = None,
    response: Any = None,
    context: dict[str, Any] | None = None,
    **_kwargs: Any,
) -> None:
    line = {
        "name": name,
        "ms": response_time,
        "status": getattr(response, "status_code", 0),
        "ok": exception is None,
        "error": str(exception)[:200] if exception else "",
        "at": time.time(),
        "role": (context or {}).get("role", ""),
    }
    with _lock:
        _handle.write(json.dumps(line) + "\n")
        _handle.flush()


class ArchiveUser(HttpUser):
    abstract = True
    role = ""

    def context(self) -> dict[str, Any]:
        return {"role": self.role}  # handed to the request listener with every request

    def on_start(self) -> None:
        with _lock:
            account = next(_accounts[self.role])
            session = account["sessions"].pop()
        self.account = account
        self.visible = set(account["visible"])
        self.rng = random.Random()  # noqa: S311 (load mix, not secrets)
        self.client.cookies.set("sessionid", session)

    # What the user does ---------------------------------------------------------------

    def _query(self) -> tuple[str, list[str]]:
        text = self.rng.choice(PLAN["queries"])
        customers = self.account["customers"]
        if self.role == "staff" and customers and self.rng.random() < 0.5:
            return text, [self.rng.choice(customers)]
        return text, []

    @task(3)
    def search_page(self) -> None:
        text, customers = self._query()
        params: dict[str, Any] = {"q": text}
        if customers:
            params["customer"] = customers
        with self.client.get(
            "/admin/archive/search/", params=params, name="search page", catch_response=True
        ) as response:
            if response.status_code == 200:
                ids = {int(found) for found in RECORD_LINK.findall(response.text)}
                self._check(response, ids)

    @task(3)
    def search_api(self) -> None:
        text, customers = self._query()
        params: dict[str, Any] = {"q": text}
        if customers:
            params["customer"] = customers
        with self.client.get(
            "/api/v1/search/", params=params, name="search api", catch_response=True
        ) as response:
            if response.status_code == 200:
                data = response.json()
                ids = {hit["record_id"] for hit in data["results"]}
                allowed = set(customers or self.account["customers"])
                outside = set(data["facets"].get("customer", {})) - allowed
                if self.role == "staff" and outside:
                    response.failure(f"leak: facets name {sorted(outside)}")
                    return
                self._check(response, ids)

    @task(2)
    def dossier(self) -> None:
        customer = self.rng.choice(self.account["customer_ids"])
        self.client.get(f"/admin/archive/dossiers/{customer}/", name="dossier")

    @task(2)
    def record(self) -> None:
        record = self.rng.choice(self.account["records"])
        self.client.get(f"/admin/archive/records/{record}/", name="record")

    def _check(self, response: Any, ids: set[int]) -> None:
        if self.role != "staff":
            return
        leaked = ids - self.visible
        if leaked:
            response.failure(f"leak: records {sorted(leaked)[:5]} outside the grant")


class AuditorUser(ArchiveUser):
    role = "auditor"
    weight = 1


class StaffUser(ArchiveUser):
    role = "staff"
    weight = 3

    @task(1)
    def forbidden(self) -> None:
        """A dossier outside the grant, a record outside it or above the clearance: 404 each."""
        record = self.rng.choice(self.account["forbidden_records"])
        for url in (
            f"/admin/archive/dossiers/{self.account['forbidden_customer']}/",
            f"/admin/archive/records/{record}/",
        ):
            with self.client.get(url, name="forbidden (404)", catch_response=True) as response:
                if response.status_code == 404:
                    response.success()
                else:
                    response.failure(f"leak: {url} answered {response.status_code}, not 404")
