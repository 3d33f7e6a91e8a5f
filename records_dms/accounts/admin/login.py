"""The sign-in page: Wagtail's, with a ``next`` that can only lead to a page of ours."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.views.account import LoginView as WagtailLoginView


class LoginView(WagtailLoginView):
    def get_success_url(self) -> str:
        # Django's redirect() reads a bare word such as ?next=foo as a URL name and raised
        # NoReverseMatch (a 500) for a signed-in user; only a path of this site is followed.
        target = self.get_redirect_url()
        if target.startswith("/") and not target.startswith("//"):
            return target
        return reverse("wagtailadmin_home")
