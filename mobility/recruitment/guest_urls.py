"""Candidates', employers' and guardians' pages (namespace ``recruitment``), without an account."""

from django.urls import path

from mobility.recruitment import guest_views as views

app_name = "recruitment"

urlpatterns = [
    path("application/", views.application_page, name="application"),
    path("application/code/", views.application_verify, name="verify"),
    path("application/code/again/", views.application_resend_code, name="resend-code"),
    path("application/answers/", views.application_save, name="save"),
    path("application/files/", views.application_upload, name="upload"),
    path("application/appeal/", views.application_appeal, name="appeal"),
    path("agreement/", views.agreement, name="agreement"),
    path("link/<str:key>/", views.exchange, name="exchange"),
    path("lost/", views.lost, name="lost"),
    path("<str:key>/", views.call_public, name="call"),
    path("<str:key>/start/", views.application_start, name="start"),
]
