"""Imports, exports, reports and the Erasmus+ file (namespace ``data``)."""

from django.urls import path

from mobility.data import views

app_name = "data"

urlpatterns = [
    path("imports/", views.import_start, name="import-start"),
    path(
        "imports/template/<slug:kind>.<slug:file_format>",
        views.import_template_download,
        name="import-template",
    ),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<int:pk>/errors.csv", views.import_errors, name="import-errors"),
    path("exports/", views.export_list, name="export-list"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export-progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
    path("reports/", views.report_page, name="reports"),
    path("reports/export/", views.report_export, name="report-export"),
    path("erasmus/", views.erasmus, name="erasmus"),
]
