"""Sign-in throttling: after too many failures a user name, or an address, is refused a while.

Counted in the database (not a per-process cache), so several web processes share the count.
Applies to every way in: the admin login, the API's token endpoint and session logins, since
all of them authenticate through this backend. Lockouts are audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
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


def _reserve(username: str, address: str) -> LoginFailure:
    """Count this attempt before its password is checked, so parallel attempts cannot all
    slip under the limit (60 at once checked 9 passwords against a limit of 5 when the count
    was read first and written after). A successful sign-in takes its row back."""
    now = timezone.now()
    with transaction.atomic():
        LoginFailure.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
        return LoginFailure.objects.create(username=username, address=address, at=now)


def _over_limit(attempt: LoginFailure) -> bool:
    """Whether attempts counted before this one (and it) exceed a limit: of its user name, or
    of its address over every user name (one address cannot lock out every account)."""
    earlier = LoginFailure.objects.filter(at__gte=timezone.now() - _window(), pk__lte=attempt.pk)
    if (
        earlier.filter(username__iexact=attempt.username).count()
        > settings.SECURITY.login_max_failures
    ):
        return True
    return (
        bool(attempt.address)
        and earlier.filter(address=attempt.address).count()
        > settings.SECURITY.login_max_failures_per_address
    )


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing a user name or an address with too many recent failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username:
            return super().authenticate(request, username=username, password=password, **kwargs)
        attempt = _reserve(username[:150], _address(request))
        if _over_limit(attempt):
            with transaction.atomic():
                audit_log(
                    action=events.LOGIN_LOCKED,
                    actor_name=username[:150],
                    data={"address": attempt.address},
                )
            raise PermissionDenied  # stops the other backends too; the attempt stays counted
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            attempt.delete()
        return user


@receiver(user_logged_in)
def _forget_failures(sender: Any, user: Any, request: Any = None, **kwargs: Any) -> None:
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
