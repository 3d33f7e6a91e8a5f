from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from wagtail.admin import urls as wagtailadmin_urls

from ingestion.api.views import JobViewSet
from records_dms.archive.api.views import CustomerViewSet, RecordViewSet, SearchView
from records_dms.lending.api.views import LoanViewSet
from retention.api.views import urlpatterns as retention_api

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("records", RecordViewSet, basename="record")
router.register("loans", LoanViewSet, basename="loan")
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
    path("admin/", include(wagtailadmin_urls)),
    path("", RedirectView.as_view(pattern_name="wagtailadmin_home", permanent=False)),
]
