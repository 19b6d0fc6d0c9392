"""Learning agreements' pages (namespace ``mobility``)."""

from django.urls import path

from mobility.agreements import views

urlpatterns = [
    path("mobilities/<int:pk>/agreement/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/", views.agreement_version, name="agreement-version"),
    path("agreements/<int:pk>/translation/", views.agreement_translate, name="agreement-translate"),
    path("signatures/<int:pk>/scan/", views.signature_scan, name="signature-scan"),
]
