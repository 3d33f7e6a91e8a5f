"""Admin menu entries that follow the permission policy (used by every app's wagtail_hooks)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from records_dms.accounts.policy import policy
from records_dms.common.permissions import Permission


class ActionMenuItem(MenuItem):
    """A menu entry shown to users who may take any of ``actions``."""

    def __init__(self, label: Any, url: str, *, actions: tuple[Permission, ...], **kwargs: Any):
        super().__init__(label, url, **kwargs)
        self.actions = actions

    def is_shown(self, request: Any) -> bool:
        return any(policy.has(request.user, action) for action in self.actions)


class ActionSubmenu(SubmenuMenuItem):
    """A submenu shown when any of its entries is."""

    def is_shown(self, request: Any) -> bool:
        return any(item.is_shown(request) for item in self.menu.registered_menu_items)


# One entry of a submenu: label, URL name, any of these permissions shows it, icon.
Entry = tuple[Any, str, tuple[Permission, ...], str]


def action_submenu(label: Any, entries: list[Entry], *, icon_name: str, order: int) -> Any:
    """A submenu of policy-following entries, in the order given."""
    items = [
        ActionMenuItem(text, reverse(url_name), actions=actions, icon_name=icon, order=number)
        for number, (text, url_name, actions, icon) in enumerate(entries, start=1)
    ]
    return ActionSubmenu(label, Menu(items=items), icon_name=icon_name, order=order)
