"""Roles (Django groups) and confidentiality levels; what each role may do is declared by the
apps, in their permissions.py (gathered in accounts/permissions.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.common.roles import (
    ADMINISTRATOR,
    AUDITOR,
    CLERK,
    COMPLIANCE,
    ROLES,
    STAFF,
)

__all__ = ["ADMINISTRATOR", "AUDITOR", "CLERK", "COMPLIANCE", "ROLES", "STAFF"]


class Confidentiality(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


LEVEL_ORDER = [Confidentiality.INTERNAL, Confidentiality.CONFIDENTIAL, Confidentiality.SECRET]


def levels_up_to(level: str) -> frozenset[str]:
    """Every confidentiality level at or below ``level``."""
    index = [str(item) for item in LEVEL_ORDER].index(str(level))
    return frozenset(str(item) for item in LEVEL_ORDER[: index + 1])


# Roles that work across the whole archive; Staff see only owned or granted customers.
ARCHIVE_WIDE_ROLES = frozenset({CLERK, AUDITOR, COMPLIANCE, ADMINISTRATOR})
