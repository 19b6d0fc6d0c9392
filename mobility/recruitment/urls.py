"""Recruitment's pages for referents (namespace ``mobility``)."""

from django.urls import path

from mobility.recruitment import views

urlpatterns = [
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/places/", views.call_place_add, name="call-place-add"),
    path("calls/<int:pk>/criteria/", views.call_criterion_add, name="call-criterion-add"),
    path("calls/<int:pk>/status/", views.call_transition, name="call-transition"),
    path("calls/<int:pk>/learners/", views.call_tell_learners, name="call-tell-learners"),
    path("calls/<int:pk>/allocate/", views.call_allocate, name="call-allocate"),
    path("calls/<int:pk>/group/", views.call_group, name="call-group"),
    path("calls/<int:pk>/report/", views.call_report, name="call-report"),
    path("calls/<int:pk>/report.xlsx", views.call_report_xlsx, name="call-report-xlsx"),
    path("calls/<int:pk>/report.pdf", views.call_report_pdf, name="call-report-pdf"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/score/", views.application_score, name="application-score"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("applications/<int:pk>/appeal/", views.application_appeal_decide, name="application-appeal-decide"),
    path("applications/<int:pk>/mobility/", views.application_to_mobility, name="application-to-mobility"),
    path("applications/<int:pk>/files/<int:file_pk>/", views.application_file, name="application-file"),
]
