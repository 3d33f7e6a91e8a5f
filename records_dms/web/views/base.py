from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Action


class ArchiveView(WagtailAdminTemplateMixin, View):
    """An admin screen that needs one archive action; objects outside the user's reach 404."""

    required_action: Action | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if self.required_action and not policy.has(request.user, self.required_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
