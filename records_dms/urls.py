from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("api/v1/", include("records_dms.api.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("", RedirectView.as_view(pattern_name="wagtailadmin_home", permanent=False)),
]
