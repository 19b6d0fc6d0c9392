"""The directory's pages (namespace ``partners``, composed in ``mobility.urls``)."""

from django.urls import path

from partners.directory.views import contacts, organisations, pickers

urlpatterns = [
    path("", organisations.organisation_list, name="organisation-list"),
    path("pick/", pickers.organisation_picker, name="organisation-picker"),
    path("new/", organisations.organisation_create, name="organisation-create"),
    path("<int:pk>/", organisations.organisation_detail, name="organisation-detail"),
    path("<int:pk>/edit/", organisations.organisation_update, name="organisation-update"),
    path("<int:pk>/merge/", organisations.organisation_merge, name="organisation-merge"),
    path("<int:pk>/history/", organisations.organisation_history, name="organisation-history"),
    path("<int:org_pk>/contacts/new/", contacts.contact_create, name="contact-create"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_update, name="contact-update"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact-delete"),
    path("contacts/<int:pk>/history/", contacts.contact_history, name="contact-history"),
]
