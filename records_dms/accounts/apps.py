from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from django.apps import apps as global_apps

    from records_dms.accounts.setup import roles_ensure

    # migrate passes its historical apps; flush passes none.
    roles_ensure(kwargs.get("apps") or global_apps)


class AccountsConfig(AppConfig):
    name = "records_dms.accounts"
    label = "accounts"
    verbose_name = _("Accounts and permissions")

    def ready(self) -> None:
        # Runs after migrate and after flush (tests empty the database between transactional
        # tests), so the role groups are always there.
        post_migrate.connect(_roles_after_migrate, sender=self)
        from records_dms.accounts import throttle  # noqa: F401  (connects the sign-in failure receivers)
        from records_dms.accounts.signals import connect

        connect()  # role changes audited wherever they happen; nobody changes its own
        from records_dms.accounts.admin import hooks  # noqa: F401  (the user edit screen)
