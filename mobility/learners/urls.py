"""Learners' pages (namespace ``mobility``, composed in ``mobility.urls``)."""

from django.urls import path

from mobility.learners import views

urlpatterns = [
    path("learners/", views.learner_list, name="learner-list"),
    path("learners/new/", views.learner_create, name="learner-create"),
    path("learners/<int:pk>/", views.learner_detail, name="learner-detail"),
    path("learners/<int:pk>/edit/", views.learner_edit, name="learner-edit"),
    path("learners/<int:pk>/consent/", views.consent_create, name="consent-create"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
]
