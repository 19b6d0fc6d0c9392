"""Documents of learners and mobilities (namespace ``mobility``)."""

from django.urls import path

from mobility.documents import views

urlpatterns = [
    path("learners/<int:pk>/documents/", views.learner_document_upload, name="learner-document-upload"),
    path("mobilities/<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
]
