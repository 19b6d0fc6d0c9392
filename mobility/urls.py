"""Root URL configuration: every app's routes, the API, the health check.

The referent's pages of the mobility domain share one namespace, ``mobility``, and those of the base
layer one namespace, ``partners``, whichever sub-domain serves them: their route lists are composed here.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mobility.agreements import urls as agreements
from mobility.dashboard import urls as dashboard
from mobility.dashboard import views as dashboard_views
from mobility.documents import urls as documents
from mobility.funding import urls as funding
from mobility.groups import urls as groups
from mobility.learners import urls as learners
from mobility.mobilities import urls as mobilities
from mobility.privacy import urls as privacy
from mobility.projects import urls as projects
from mobility.recruitment import urls as recruitment
from mobility.site import i18n, views
from mobility.tracking import urls as tracking
from partners.accounts import urls as partner_accounts
from partners.agreements import urls as partner_agreements
from partners.directory import urls as partner_directory

mobility_pages = [
    *learners.urlpatterns,
    *privacy.urlpatterns,
    *mobilities.urlpatterns,
    *agreements.urlpatterns,
    *tracking.urlpatterns,
    *documents.urlpatterns,
    *dashboard.urlpatterns,
    *groups.urlpatterns,
    *projects.urlpatterns,
    *funding.urlpatterns,
    *recruitment.urlpatterns,
]

partner_pages = [
    *partner_directory.urlpatterns,
    *partner_agreements.urlpatterns,
    *partner_accounts.team_urlpatterns,
]

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("accounts/", include(partner_accounts.urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("partners/", include((partner_pages, "partners"))),
    path("", include((mobility_pages, "mobility"))),
    path("data/", include("mobility.data.urls")),
    path("", include("mobility.guests.urls")),
    path("", include("mobility.evaluations.urls")),
    path("", include("mobility.quality.urls")),
    path("", include("mobility.care.urls")),
    path("", include("certification.urls")),
    path("apply/", include("mobility.recruitment.guest_urls")),
    path("api/v1/", include("mobility.api.urls")),
    path("api/", include("mobility.api.docs_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "mobility.site.views.bad_request"
handler403 = "mobility.site.views.permission_denied"
handler404 = "mobility.site.views.page_not_found"
handler500 = "mobility.site.views.server_error"
