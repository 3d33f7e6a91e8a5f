"""The Wagtail user edit screen: nobody changes its own roles there (another administrator
must). Every role change made on these screens is audited by accounts.signals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("before_edit_user")
def refuse_changing_own_roles(request: Any, user: Any) -> Any:
    if request.method != "POST" or user.pk != request.user.pk:
        return None
    posted = {int(pk) for pk in request.POST.getlist("groups") if str(pk).isdigit()}
    current = set(user.groups.values_list("pk", flat=True))
    if posted == current:
        return None
    messages.error(
        request,
        _("You cannot change your own roles, clearance or grants; another administrator must."),
    )
    return redirect(request.path)
