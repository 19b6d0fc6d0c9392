"""allauth hooks: no open sign-up, one client address and one lockout rule for every login form."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import Login
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partners.accounts import lockout
from partners.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from an administrator's invitation only.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's own rate limits count per the same address as ours (behind the trusted proxies).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        if lockout.account_locked(lockout.identifier_from_credentials(credentials)):
            raise forms.ValidationError(lockout.locked_message(), code="locked")

    def is_login_by_code_required(self, login: Login) -> bool:
        """A right password from an address with too many failures also needs the e-mailed code."""
        if super().is_login_by_code_required(login):
            return True
        records = get_authentication_records(self.request, login.user)
        if not records or records[-1]["method"] != "password" or not lockout.address_challenged(self.request):
            return False
        messages.info(
            self.request,
            _(
                "Many failed logins came from your network recently. To finish logging in, enter the "
                "code we have just e-mailed to you."
            ),
        )
        return True
