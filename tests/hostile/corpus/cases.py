"""The corpus's register: each case, what must happen to it and why (``@case``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

FILED, REFUSED = "filed", "refused"


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    make: Callable[[], bytes]
    outcome: str  # FILED or REFUSED
    reason: str  # refused: words the reason contains; filed: "" (or words of the job's note)
    why: str
    settings: dict[str, int | float] = field(default_factory=dict)
    records: int = 1  # records a filed case leaves (an email's attachments are records too)
    disk_name: str = ""  # the name on disk for the CLI where ``filename`` cannot exist there
    # Over HTTP: refused by Django's multipart parser (400) before our code, with these words.
    http_reason: str = ""


CASES: dict[str, Case] = {}


def case(
    filename: str, outcome: str, reason: str, why: str, **extra: object
) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES[make.__name__] = Case(make.__name__, filename, make, outcome, reason, why, **extra)  # type: ignore[arg-type]
        return make

    return register
