from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access

from ingestion.api.views import JobViewSet
from records_dms.accounts.admin.account import AccountView
from records_dms.accounts.admin.login import LoginView
from records_dms.archive.api.views import CustomerViewSet, RecordViewSet, SearchView
from records_dms.common.apischema import described_api_root
from records_dms.inspection.api.views import InspectionViewSet
from records_dms.lending.api.views import LoanViewSet
from retention.api.views import urlpatterns as retention_api

# No ".json" twins of every route: the format is negotiated (Accept, ?format=), and the
# suffixed routes reached actions that take no format argument (500s).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("customers", CustomerViewSet, basename="customer")
router.register("records", RecordViewSet, basename="record")
router.register("loans", LoanViewSet, basename="loan")
router.register("inspections", InspectionViewSet, basename="inspection")
router.APIRootView = described_api_root(router)
router.register("jobs", JobViewSet, basename="job")

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(router.urls)),
    path("", include(retention_api)),
]

urlpatterns = [
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    # Ahead of Wagtail's own sign-in page, which it replaces (same URL and name).
    path("admin/login/", LoginView.as_view(), name="wagtailadmin_login"),
    # Ahead of Wagtail's account page too: names optional, so a language switch saves.
    path(
        "admin/account/",
        require_admin_access(AccountView.as_view()),
        name="wagtailadmin_account",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("", RedirectView.as_view(pattern_name="wagtailadmin_home", permanent=False)),
]
