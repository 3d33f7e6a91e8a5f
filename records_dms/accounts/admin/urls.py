from django.urls import path

from records_dms.accounts.admin import access
from records_dms.common import converters  # noqa: F401  (registers <id:…>)

urlpatterns = [
    path("", access.AccessView.as_view(), name="index"),
    path("customers/<id:pk>/", access.CustomerAccessView.as_view(), name="customer"),
    path("customers/<id:pk>/owner/", access.owner_change, name="owner"),
    path("grants/add/", access.grant_add, name="grant_add"),
    path("grants/<id:pk>/revoke/", access.grant_remove, name="grant_revoke"),
    path("users/<id:pk>/clearance/", access.clearance_change, name="clearance"),
]
