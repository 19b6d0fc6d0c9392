"""Accounts and roles: who works in the organisations the user administers."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.accounts import selectors, services
from partners.accounts.forms import InvitationForm, MembershipRoleForm, TeamFilterForm
from partners.accounts.roles import Capability
from partners.audit import selectors as audit_selectors
from partners.directory import selectors as directory_selectors
from partners.pages import AuthedRequest, errors_to_form, fresh, paginate, query_without


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    directory_selectors.require(request.user, Capability.MANAGE_USERS)
    form = TeamFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    memberships = selectors.membership_list_for_manager(
        user=request.user, q=filters.get("q", ""), active=filters.get("active", "")
    )
    context = {
        "form": form,
        "page": paginate(request, memberships, per_page=50),
        "query": query_without(request, "page"),
        "invitations": selectors.invitation_list_for_manager(user=request.user),
        "mfa_required": settings.MFA_REQUIRED_FOR_STAFF,
    }
    return render(request, "partners/team_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthedRequest) -> HttpResponse:
    directory_selectors.require(request.user, Capability.MANAGE_USERS)
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                acting_user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("An invitation has been e-mailed to %(email)s. The link is valid for %(days)s days.")
                % {"email": invitation.email, "days": services._invitation_ttl().days},
            )
            return redirect("partners:user-list")
    return render(request, "partners/invitation_form.html", {"form": form})


@login_required
@require_POST
def invitation_resend(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for_manager(user=request.user, pk=pk)
    try:
        services.invitation_resend(invitation=invitation, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("A new link has been e-mailed to %(email)s.") % {"email": invitation.email}
        )
    return redirect("partners:user-list")


@login_required
@require_POST
def invitation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for_manager(user=request.user, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
        )
    return redirect("partners:user-list")


@login_required
@require_http_methods(["GET", "POST"])
def membership_update(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get_for_manager(user=request.user, pk=pk)
    form = MembershipRoleForm(request.POST or None, instance=fresh(membership), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The role of %(name)s has been changed.") % {"name": membership.user})
            return redirect("partners:user-list")
    context = {
        "form": form,
        "membership": membership,
        "is_self": membership.user_id == request.user.pk,
        "history": audit_selectors.history_for(obj=membership, limit=20),
    }
    return render(request, "partners/membership_form.html", context)


@login_required
@require_POST
def membership_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get_for_manager(user=request.user, pk=pk)
    try:
        services.membership_deactivate(membership=membership, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer has access to %(org)s; their open sessions have ended.")
            % {"name": membership.user, "org": membership.organisation},
        )
    return redirect("partners:user-list")


@login_required
@require_POST
def membership_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get_for_manager(user=request.user, pk=pk)
    try:
        services.membership_reactivate(membership=membership, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s has access again.") % {"name": membership.user})
    return redirect("partners:user-list")
