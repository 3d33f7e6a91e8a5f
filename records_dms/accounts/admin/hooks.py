"""The Wagtail user edit screen: nobody changes its own roles there (another administrator
must). Every role change made on these screens is audited by accounts.signals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


@hooks.register("register_admin_urls")
def register_access_urls() -> list[Any]:
    from records_dms.accounts.admin import urls

    return [path("access/", include((urls.urlpatterns, "access"), namespace="access"))]


@hooks.register("register_admin_menu_item")
def register_access_menu_item() -> Any:
    from records_dms.accounts.admin.menu import ActionMenuItem
    from records_dms.accounts.permissions import MANAGE_CLEARANCES, MANAGE_GRANTS

    return ActionMenuItem(
        gettext_lazy("Access"),
        reverse("access:index"),
        actions=(MANAGE_GRANTS, MANAGE_CLEARANCES),
        icon_name="key",
        order=850,
    )
