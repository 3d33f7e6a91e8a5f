from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from records_dms.lending.api import LoanViewSet
from retention.api import urlpatterns as retention_urls

from .views import CustomerViewSet, RecordViewSet, SearchView

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("records", RecordViewSet, basename="record")
router.register("loans", LoanViewSet, basename="loan")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(router.urls)),
    path("", include(retention_urls)),
]
