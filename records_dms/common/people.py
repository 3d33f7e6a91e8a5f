"""How a person is shown on every screen, export and certificate."""

from __future__ import annotations

import re
from typing import Any

# CJK unified ideographs (and extension A, compatibility ideographs): a Chinese name.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def display_name(user: Any) -> str:
    """A user's name as people write it: 张伟 (family name first, no space) or "Wei Zhang".

    Falls back to the user name when no name is filled in; "" for no user at all.
    """
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if not (first or last):
        username = getattr(user, "get_username", None)
        return str(username()) if callable(username) else str(user)
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
