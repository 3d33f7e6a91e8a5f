from django.urls import path

from records_dms.common import converters  # noqa: F401  (registers <id:…>)
from records_dms.reports.admin import views

urlpatterns = [
    path("complaints/", views.ComplaintRegisterView.as_view(), name="complaints"),
    path("complaints/export/", views.complaint_register_export, name="complaints_export"),
    path("satisfaction/", views.SatisfactionView.as_view(), name="satisfaction"),
    path("surveys/<id:pk>/", views.SurveyResultEditView.as_view(), name="survey_edit"),
    path("catalogues/", views.CatalogueListView.as_view(), name="catalogues"),
    path("catalogues/<id:pk>/export/", views.catalogue_export, name="catalogue_export"),
    path("summary/", views.YearlySummaryView.as_view(), name="summary"),
    path("summary/export/", views.yearly_summary_export, name="summary_export"),
]
