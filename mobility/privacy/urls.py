"""A learner's personal data: page, archive, erasure (namespace ``mobility``)."""

from django.urls import path

from mobility.privacy import views

urlpatterns = [
    path("learners/<int:pk>/personal-data/", views.learner_privacy, name="learner-privacy"),
    path(
        "learners/<int:pk>/personal-data/export/",
        views.learner_personal_data_export,
        name="learner-personal-data-export",
    ),
    path("learners/<int:pk>/erase/", views.learner_erase, name="learner-erase"),
]
