"""The user's own settings and the invitation link, beside allauth's account pages."""

from django.urls import path

from . import account_views
from .views import invitations

urlpatterns = [
    path("settings/", account_views.account_settings, name="account_settings"),
    path("settings/api-tokens/", account_views.api_token_create, name="api_token_create"),
    path("settings/api-tokens/<int:pk>/revoke/", account_views.api_token_revoke, name="api_token_revoke"),
    path("invitation/", invitations.invitation_accept, name="account_invitation_accept"),
    path("invitation/<str:token>/", invitations.invitation_open, name="account_invitation"),
]
