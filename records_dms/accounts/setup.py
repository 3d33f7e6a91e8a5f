"""The role groups and their Django permissions, created idempotently."""

from __future__ import annotations

from typing import Any

from records_dms.accounts.roles import ADMINISTRATOR, ROLES

ADMIN_PERMISSIONS = [
    ("auth", "user", ["add_user", "change_user", "delete_user", "view_user"]),
    ("auth", "group", ["add_group", "change_group", "delete_group", "view_group"]),
]


def _permission(apps: Any, app_label: str, model: str, codename: str) -> Any:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def roles_ensure(apps: Any) -> None:
    """Every role group exists and may open the admin; administrators manage users."""
    group_model = apps.get_model("auth", "Group")
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")
    for name in ROLES:
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
    administrators = group_model.objects.get(name=ADMINISTRATOR)
    for app_label, model, codenames in ADMIN_PERMISSIONS:
        for codename in codenames:
            administrators.permissions.add(_permission(apps, app_label, model, codename))
