"""The Django admin, behind the same failed-login limits as the main login page."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.accounts import lockout


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        if lockout.account_locked(self.data.get("username")):
            raise forms.ValidationError(lockout.locked_message(), code="locked")
        if lockout.address_challenged(self.request):
            # This form cannot e-mail a code: the main login page asks for one, and its session
            # then opens the admin as well. No password is checked here, so no guess is confirmed.
            raise forms.ValidationError(
                _(
                    "Many failed logins came from your network recently: log in on the main login page "
                    "(it e-mails you a code), then come back."
                ),
                code="challenged",
            )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from allauth.mfa.models import Authenticator

        # This form knows passwords only: an account with a second factor logs in on the main
        # login page (which asks for it), and the session then opens the admin as well.
        if Authenticator.objects.filter(user=user).exists():
            raise forms.ValidationError(
                _(
                    "This account uses two-factor authentication: log in on the main login page, then come back."
                ),
                code="mfa_required",
            )


class MobilityAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Mobility — administration")
    site_title = gettext_lazy("Mobility administration")
    login_form = RateLimitedAdminAuthenticationForm
