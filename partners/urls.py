"""Partner directory, contacts, agreements, team management."""

from django.urls import path

from .views import agreements, contacts, organisations, team

app_name = "partners"

urlpatterns = [
    path("", organisations.organisation_list, name="organisation-list"),
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
    path("agreements/", agreements.agreement_list, name="agreement-list"),
    path("agreements/new/", agreements.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_update, name="agreement-update"),
    path("agreements/<int:pk>/signed-copy/", agreements.agreement_signed_copy, name="agreement-signed-copy"),
    path("agreements/<int:pk>/history/", agreements.agreement_history, name="agreement-history"),
    path("team/", team.user_list, name="user-list"),
    path("team/invite/", team.invitation_create, name="invitation-create"),
    path("team/invitations/<int:pk>/resend/", team.invitation_resend, name="invitation-resend"),
    path("team/invitations/<int:pk>/revoke/", team.invitation_revoke, name="invitation-revoke"),
    path("team/members/<int:pk>/", team.membership_update, name="membership-update"),
    path("team/members/<int:pk>/deactivate/", team.membership_deactivate, name="membership-deactivate"),
    path("team/members/<int:pk>/reactivate/", team.membership_reactivate, name="membership-reactivate"),
]
