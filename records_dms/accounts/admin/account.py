"""The account page: Wagtail's, where the name is optional and asked family name first in Chinese.

Wagtail's name form requires 名 and 姓 and its page saves every panel or none, so a user
without a name on file could not switch between 中文 and English. Names are shown through
``records_dms.common.people.display_name`` (张伟, or "Wei Zhang").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views.account import AccountView as WagtailAccountView
from wagtail.admin.views.account import NameEmailSettingsPanel


class OptionalNameForm(NameEmailForm):
    first_name = forms.CharField(required=False, max_length=150, label=_("Given name"))
    last_name = forms.CharField(
        required=False,
        max_length=150,
        label=_("Family name"),
        help_text=_("A Chinese name is shown family name first, without a space (张伟)."),
    )
    email = forms.EmailField(required=False, label=_("Email"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if (get_language() or "").startswith("zh"):
            self.order_fields(["last_name", "first_name"])


class OptionalNamePanel(NameEmailSettingsPanel):
    form_class = OptionalNameForm


class AccountView(WagtailAccountView):
    def get_panels(self) -> list[Any]:
        return [
            OptionalNamePanel(panel.request, panel.user, panel.profile)
            if type(panel) is NameEmailSettingsPanel
            else panel
            for panel in super().get_panels()
        ]
