"""Sign-in throttling: after too many failures a user name is refused for a while.

Counted in the database (not a per-process cache), so several web processes share the count.
Applies to every way in: the admin login, the API's token endpoint and session logins, since
all of them authenticate through this backend. Lockouts are audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from records_dms.accounts.models import LoginFailure
from records_dms.audit import events
from records_dms.audit.services import audit_log


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SECURITY.login_lockout_minutes)


def _address(request: HttpRequest | None) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64] if request is not None else ""


def recent_failures(username: str) -> int:
    return LoginFailure.objects.filter(
        username__iexact=username, at__gte=timezone.now() - _window()
    ).count()


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing a user name with too many recent failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and recent_failures(username) >= settings.SECURITY.login_max_failures:
            with transaction.atomic():
                audit_log(
                    action=events.LOGIN_LOCKED,
                    actor_name=username[:150],
                    data={"address": _address(request)},
                )
            raise PermissionDenied  # stops the other backends too
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    if not username:
        return
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
    LoginFailure.objects.create(username=username, address=_address(request), at=now)


@receiver(user_logged_in)
def _forget_failures(sender: Any, user: Any, request: Any = None, **kwargs: Any) -> None:
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
