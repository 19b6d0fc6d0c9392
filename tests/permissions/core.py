"""Matrix of the routes that belong to no single app: dashboard, health, privacy, language,
the account pages (allauth, two-factor, own settings), the API's root and docs, and the admin."""

from __future__ import annotations

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from .base import LOGIN, Family, Route, everyone, expect

SIGNED_IN = expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=200)
# Pages for visitors: someone logged in is sent on (to the dashboard).
VISITORS = expect(
    anonymous=200, referent_b=302, readonly_a=302, referent_a=302, chamber_admin=302, operator=302
)
# Account pages that need a login and then send the user somewhere (e.g. to re-authenticate first).
SIGNED_IN_REDIRECT = expect(referent_b=302, readonly_a=302, referent_a=302, chamber_admin=302, operator=302)
# Two-factor pages about an authenticator the user has not set up.
NO_AUTHENTICATOR = expect(referent_b=404, readonly_a=404, referent_a=404, chamber_admin=404, operator=404)
# The REST API answers 401 (not a login redirect) without credentials; an account without
# membership (the operator) gets 403.
API_SIGNED_IN = expect(
    anonymous=401, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
)

ROUTES = [
    Route("dashboard", SIGNED_IN),
    # 503 while no worker has reported its heartbeat (the tests run none here); never a login.
    Route("healthz", everyone((200, 503))),
    Route("privacy", everyone(200)),
    Route("set_language", everyone(302), method="post", data=lambda w: {"language": "fr", "next": "/"}),
    Route("account_settings", SIGNED_IN),
    Route("account_login", VISITORS),
    Route(
        "account_logout",
        expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=200),
    ),
    Route("account_inactive", everyone(200)),
    # Sign-up is closed (invitations only): the page says so.
    Route("account_signup", VISITORS),
    Route("account_reauthenticate", SIGNED_IN),
    Route("account_email", SIGNED_IN),
    Route("account_email_verification_sent", everyone(200)),
    Route("account_change_password", SIGNED_IN),
    Route("account_set_password", SIGNED_IN_REDIRECT),
    Route("account_reset_password", everyone(200)),
    Route("account_reset_password_done", everyone(200)),
    Route("account_reset_password_from_key_done", everyone(200)),
    Route(
        "account_reset_password_from_key",
        everyone(200),  # an invalid key: the page says the link is no longer valid
        kwargs=lambda w: {"uidb36": "zz", "key": "invalid-key"},
    ),
    Route("account_confirm_email", everyone((200, 404)), kwargs=lambda w: {"key": "invalid-key"}),
    Route("account_request_login_code", VISITORS),
    # Nothing pending to confirm: back to the login page.
    Route("account_confirm_login_code", everyone(302)),
    Route("mfa_index", SIGNED_IN),
    Route("mfa_authenticate", SIGNED_IN_REDIRECT),
    Route("mfa_reauthenticate", SIGNED_IN_REDIRECT),
    Route("mfa_activate_totp", SIGNED_IN_REDIRECT),
    Route("mfa_deactivate_totp", NO_AUTHENTICATOR),
    Route("mfa_view_recovery_codes", NO_AUTHENTICATOR),
    Route("mfa_generate_recovery_codes", SIGNED_IN_REDIRECT),
    Route("mfa_download_recovery_codes", NO_AUTHENTICATOR),
    Route("api:api-root", API_SIGNED_IN),
    # The schema and its documentation pages are public, like the API's contract.
    Route("api-schema", everyone(200)),
    Route("api-docs", everyone(200)),
    Route("api-redoc", everyone(200)),
    # Any other path under /api/: a JSON 404 for everybody.
    Route("api-not-found", everyone(404), kwargs=lambda w: {}),
    # --- The admin: the platform operator only -----------------------------------------------
    Route(
        "admin:index",
        expect(referent_b=LOGIN, readonly_a=LOGIN, referent_a=LOGIN, chamber_admin=LOGIN, operator=200),
    ),
    # Staff without admin access see the login form with "not authorised"; the operator is sent in.
    Route(
        "admin:login",
        expect(
            anonymous=200, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=302
        ),
    ),
    # Logging out takes a POST.
    Route(
        "admin:logout",
        expect(
            anonymous=302, referent_b=302, readonly_a=302, referent_a=302, chamber_admin=302, operator=405
        ),
    ),
    # Needs its query parameters: refused even to the operator without them.
    Route(
        "admin:autocomplete",
        expect(referent_b=LOGIN, readonly_a=LOGIN, referent_a=LOGIN, chamber_admin=LOGIN, operator=403),
    ),
    Route(
        "admin:view_on_site",
        expect(referent_b=LOGIN, readonly_a=LOGIN, referent_a=LOGIN, chamber_admin=LOGIN, operator=302),
        kwargs=lambda w: {
            "content_type_id": ContentType.objects.get_for_model(w.host_company).pk,
            "object_id": w.host_company.pk,
        },
    ),
    Route(
        "admin:app_list",
        expect(referent_b=LOGIN, readonly_a=LOGIN, referent_a=LOGIN, chamber_admin=LOGIN, operator=200),
        kwargs=lambda w: {"app_label": "partners"},
    ),
    Route(
        "admin/(?P<url>.*)$",
        expect(referent_b=LOGIN, readonly_a=LOGIN, referent_a=LOGIN, chamber_admin=LOGIN, operator=404),
        kwargs=lambda w: {"url": "no-such-page/"},
    ),
]


def _some_object_id(w, app_label: str, model_name: str) -> object:
    """A row of the model for its change/delete/history pages (0 when the model has none)."""
    for name in ("host_company", "tutor_contact", "agreement", "invitation"):
        getattr(w, name)  # make sure centre A's objects exist
    model = apps.get_model(app_label, model_name)
    row = model._default_manager.order_by("pk").first()
    return row.pk if row is not None else 0


def _admin_kwargs(w, key: str) -> dict:
    if key == "admin:auth_user_password_change":
        return {"id": w.referent_a.pk}
    named = re.match(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(change|delete|history)$", key)
    if named:
        return {"object_id": _some_object_id(w, named["app"], named["model"])}
    unnamed = re.match(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$", key)
    if unnamed:
        return {"object_id": _some_object_id(w, unnamed["app"], unnamed["model"])}
    return {}


FAMILIES = [
    # Every model page of the admin: nobody but the operator gets past the admin's login. For the
    # operator a model page opens (200), redirects to the change page (302), or is refused when the
    # model is read-only there (403: audit entries, e-mails, invitations cannot be added).
    Family(
        r"^admin:|^admin/",
        expect(
            referent_b=LOGIN,
            readonly_a=LOGIN,
            referent_a=LOGIN,
            chamber_admin=LOGIN,
            operator=(200, 302, 403),
        ),
        kwargs=_admin_kwargs,
    ),
]
