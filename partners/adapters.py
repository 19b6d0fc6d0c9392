"""allauth hooks: no open sign-up, one lockout rule for every login form."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import lockout


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from an administrator's invitation only.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        if lockout.is_locked(request, lockout.identifier_from_credentials(credentials)):
            raise forms.ValidationError(
                _("Too many failed login attempts. Wait 15 minutes or reset your password."),
                code="locked",
            )
