"""Partnership agreements' pages (namespace ``partners``)."""

from django.urls import path

from partners.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement-update"),
    path("agreements/<int:pk>/signed-copy/", views.agreement_signed_copy, name="agreement-signed-copy"),
    path("agreements/<int:pk>/history/", views.agreement_history, name="agreement-history"),
]
