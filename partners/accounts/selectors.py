"""Reads for managing a team: memberships and invitations a manager may see, the roles they may grant."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from partners.accounts.access import Access, get_access, not_visible
from partners.accounts.models import Invitation, Membership, User
from partners.accounts.roles import GRANTABLE, Capability
from partners.directory.models import (
    TENANT_KINDS,
    Organisation,
)


def require(user: Any, capability: Capability, org_id: int | None = None) -> Access:
    """The user's access when they hold ``capability`` (at ``org_id``, or anywhere); a 403 otherwise."""
    access = get_access(user)
    if not access.can(capability, org_id):
        raise PermissionDenied
    return access


# --- Team: memberships and invitations --------------------------------------------------------
def membership_list_for_manager(*, user: Any, q: str = "", active: str = "") -> QuerySet[Membership]:
    """Memberships of the organisations where the user manages accounts."""
    access = require(user, Capability.MANAGE_USERS)
    qs = Membership.objects.filter(organisation_id__in=access.orgs_with(Capability.MANAGE_USERS))
    if q:
        qs = qs.filter(
            Q(user__email__icontains=q) | Q(user__first_name__icontains=q) | Q(user__last_name__icontains=q)
        )
    if active == "yes":
        qs = qs.filter(is_active=True, user__is_active=True)
    elif active == "no":
        qs = qs.filter(Q(is_active=False) | Q(user__is_active=False))
    return (
        qs.select_related("user", "organisation")
        .annotate(mfa_count=Count("user__authenticator", distinct=True))
        .order_by("organisation__name", "user__last_name", "user__first_name", "id")
    )


def membership_get_for_manager(*, user: Any, pk: Any) -> Membership:
    access = get_access(user)
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation_id__in=access.orgs_with(Capability.MANAGE_USERS))
        .first()
    )
    if membership is None:
        if access.orgs_with(Capability.MANAGE_USERS):
            raise not_visible(Membership, pk)
        raise PermissionDenied
    return membership


def roles_grantable_by(*, user: Any, organisation_id: int) -> tuple[str, ...]:
    """Roles the user may hand out at ``organisation_id``: nobody grants more than they hold."""
    access = get_access(user)
    if not access.can(Capability.MANAGE_USERS, organisation_id):
        return ()
    granted: list[str] = []
    for role in access.roles.get(organisation_id, ()):
        for grantable in GRANTABLE.get(role, ()):
            if grantable not in granted:
                granted.append(grantable)
    order = list(GRANTABLE.get("network_admin", ()))
    return tuple(sorted(granted, key=lambda r: order.index(r) if r in order else len(order)))


def invitation_list_for_manager(*, user: Any) -> QuerySet[Invitation]:
    """Invitations not yet accepted nor revoked, of the organisations the user manages."""
    access = require(user, Capability.MANAGE_USERS)
    return (
        Invitation.objects.filter(
            organisation_id__in=access.orgs_with(Capability.MANAGE_USERS),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "-id")
    )


def invitation_get_for_manager(*, user: Any, pk: Any) -> Invitation:
    access = require(user, Capability.MANAGE_USERS)
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=pk, organisation_id__in=access.orgs_with(Capability.MANAGE_USERS))
        .first()
    )
    if invitation is None:
        raise not_visible(Invitation, pk)
    return invitation


def tenant_choices_for_manager(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user may invite people into."""
    access = get_access(user)
    return Organisation.objects.filter(
        pk__in=access.orgs_with(Capability.MANAGE_USERS), kind__in=TENANT_KINDS
    ).order_by("kind", "name")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
