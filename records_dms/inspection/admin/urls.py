from django.urls import path

from records_dms.common import converters  # noqa: F401  (registers <id:…>)
from records_dms.inspection.admin import views

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="list"),
    path("run/", views.inspection_run, name="run"),
    path("<id:pk>/", views.InspectionView.as_view(), name="inspection"),
    path("<id:pk>/report.<str:fmt>", views.inspection_download, name="report"),
]
