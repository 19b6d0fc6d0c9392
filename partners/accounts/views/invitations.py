"""Accepting an invitation. The token leaves the address bar at once: it is kept in the session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from partners.accounts import services
from partners.accounts.forms import InvitationAcceptForm
from partners.accounts.models import User
from partners.accounts.roles import Role
from partners.pages import errors_to_form

_SESSION_KEY = "_invitation_token"


@never_cache
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: checks the token, keeps it in the session, drops it from the URL."""
    if services.invitation_for_token(token) is None:
        return render(request, "partners/invitation_invalid.html", status=404)
    request.session[_SESSION_KEY] = token
    return redirect("account_invitation_accept")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(_SESSION_KEY, "")
    invitation = services.invitation_for_token(token)
    if invitation is None:
        request.session.pop(_SESSION_KEY, None)
        return render(request, "partners/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    signed_in_as_other = (
        request.user.is_authenticated and request.user.email.lower() != invitation.email.lower()
    )
    form = None
    if not existing and not signed_in_as_other:
        form = InvitationAcceptForm(
            request.POST or None,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
    if request.method == "POST" and not signed_in_as_other and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            account = services.invitation_accept(
                invitation=invitation,
                user=request.user if request.user.is_authenticated else None,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password1", ""),
                request=request,
            )
        except ValidationError as exc:
            if form is not None:
                errors_to_form(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            request.session.pop(_SESSION_KEY, None)
            if not request.user.is_authenticated:
                login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You are now %(role)s at %(org)s.")
                % {"role": Role(invitation.role).label, "org": invitation.organisation.display_name},
            )
            return redirect("dashboard")
    context = {
        "invitation": invitation,
        "form": form,
        "existing": existing,
        "signed_in_as_other": signed_in_as_other,
        "role": Role(invitation.role).label,
    }
    return render(request, "partners/invitation_accept.html", context)
