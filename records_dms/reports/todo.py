"""The to-do panel (待办事项) of the Wagtail home, above the role dashboards.

Its items come from the apps' ``todo(user=)`` selectors (records_dms/common/todo.py); the
panel only lays them out, with a search box for everyone who may search.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from wagtail.admin.ui.components import Component

from records_dms.accounts.policy import policy
from records_dms.archive.permissions import VIEW_RECORD
from records_dms.common.todo import todo_for


class TodoPanel(Component):
    template_name = "reports/panels/todo.html"
    order = 0

    def get_context_data(self, parent_context: Mapping[str, Any] | None) -> Mapping[str, Any]:
        request = (parent_context or {})["request"]
        items = todo_for(request.user)
        may_search = policy.has(request.user, VIEW_RECORD)
        return {
            "items": items,
            "waiting": sum(item.count for item in items),
            "search_url": reverse("archive:search") if may_search else "",
            "request": request,
        }
