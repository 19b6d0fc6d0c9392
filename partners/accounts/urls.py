"""The user's own settings and the invitation link, beside allauth's account pages (``urlpatterns``),
and the team pages of the ``partners`` namespace (``team_urlpatterns``, composed in ``mobility.urls``)."""

from django.urls import path

from partners.accounts.views import invitations, team
from partners.accounts.views import settings as account_views

urlpatterns = [
    path("settings/", account_views.account_settings, name="account_settings"),
    path("settings/api-tokens/", account_views.api_token_create, name="api_token_create"),
    path("settings/api-tokens/<int:pk>/revoke/", account_views.api_token_revoke, name="api_token_revoke"),
    path("invitation/", invitations.invitation_accept, name="account_invitation_accept"),
    path("invitation/<str:token>/", invitations.invitation_open, name="account_invitation"),
]

team_urlpatterns = [
    path("team/", team.user_list, name="user-list"),
    path("team/invite/", team.invitation_create, name="invitation-create"),
    path("team/invitations/<int:pk>/resend/", team.invitation_resend, name="invitation-resend"),
    path("team/invitations/<int:pk>/revoke/", team.invitation_revoke, name="invitation-revoke"),
    path("team/members/<int:pk>/", team.membership_update, name="membership-update"),
    path("team/members/<int:pk>/deactivate/", team.membership_deactivate, name="membership-deactivate"),
    path("team/members/<int:pk>/reactivate/", team.membership_reactivate, name="membership-reactivate"),
]
