"""Who may do what in retention: the archive's one policy, asked by every service."""

from __future__ import annotations

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action
from records_dms.archive.services import User


def require(actor: User, action: Action) -> AuthUser:
    """The acting user if the policy allows ``action``; PermissionDenied otherwise."""
    if not isinstance(actor, AuthUser) or not policy.has(actor, action):
        raise PermissionDenied(_("You may not do this."))
    return actor
