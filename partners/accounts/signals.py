"""Authentication events from Django and allauth: audit entries and failed-login counters.

Django emits these signals for every login path (the main login page, the admin, codes), which
is why the bookkeeping lives here rather than in one view.
"""

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from partners.accounts import lockout
from partners.accounts.services import user_address_verify
from partners.audit.services import audit_record


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    lockout.reset_account(user.email)
    if request is not None and hasattr(request, "session"):
        from partners.accounts.middleware import mark_session_start

        mark_session_start(request)
    audit_record(action="auth.login", actor=user, target=user, request=request)


@receiver(password_reset)
def _on_password_reset(sender, request, user, **kwargs):
    # The reset link proved the mailbox: the account's lock goes (the lock message says "or reset
    # your password"), and the address counts as verified (a second factor can be set up).
    lockout.reset_account(user.email)
    user_address_verify(user=user, proof="password_reset", request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, target=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    identifier = lockout.identifier_from_credentials(credentials or {})
    lockout.register_failure(request, identifier)
    # The attempted identifier is kept (truncated) so that attacks on one account show up.
    audit_record(
        action="auth.login_failed",
        actor_label=(identifier or "")[:120],
        request=request,
    )
