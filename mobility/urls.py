"""Root URL configuration: every app's routes, the API, the health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import i18n, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("accounts/", include("partners.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("partners/", include("partners.urls")),
    path("", include("mobility.web_urls")),
    path("data/", include("mobility.data_urls")),
    path("", include("mobility.guest_urls")),
    path("", include("mobility.staff_evaluation_urls")),
    path("", include("certification.urls")),
    path("api/v1/", include("mobility.api.urls")),
    path("api/", include("mobility.api.docs_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "mobility.views.bad_request"
handler403 = "mobility.views.permission_denied"
handler404 = "mobility.views.page_not_found"
handler500 = "mobility.views.server_error"
