"""What one user may reach: the tenancy rule, computed once per request.

A membership on an organisation applies to it and to every tenant organisation below it (a
chamber's administrator reaches all of the chamber's training centres). Selectors and views ask
this object; nothing else decides access.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from partners.accounts.roles import Capability, Role, capabilities_of

CACHE_ATTR = "_mobility_access"


@dataclass(frozen=True)
class Access:
    user_id: int | None
    #: tenant organisation id → roles held there (directly or through an ancestor)
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    #: organisation id → kind, for the tenant organisations reached
    kinds: dict[int, str] = field(default_factory=dict)
    #: root networks the user belongs to (the shared directory's scope)
    network_ids: frozenset[int] = frozenset()
    #: (organisation id, display name, role) of each membership, for the header
    memberships: tuple[tuple[int, str, str], ...] = ()

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def org_ids(self) -> frozenset[int]:
        """Every tenant organisation reached (chambers and centres)."""
        return frozenset(self.roles)

    @property
    def centre_ids(self) -> frozenset[int]:
        """The training centres whose learner data this user may see."""
        from partners.directory.models import OrganisationKind

        return frozenset(o for o, k in self.kinds.items() if k == OrganisationKind.TRAINING_CENTRE)

    def capabilities(self, org_id: int | None = None) -> frozenset[Capability]:
        if org_id is None:
            roles: set[str] = set().union(*self.roles.values()) if self.roles else set()
        else:
            roles = set(self.roles.get(org_id, ()))
        caps: set[Capability] = set()
        for role in roles:
            caps |= capabilities_of(role)
        return frozenset(caps)

    @property
    def capability_names(self) -> frozenset[str]:
        """Capabilities held anywhere, as strings (templates: ``"manage_users" in access.capability_names``)."""
        return frozenset(str(c) for c in self.capabilities())

    def can(self, capability: Capability, org_id: int | None = None) -> bool:
        """Whether the user holds ``capability`` at ``org_id`` (anywhere, when None)."""
        return capability in self.capabilities(org_id)

    def centres_with(self, capability: Capability) -> frozenset[int]:
        return frozenset(c for c in self.centre_ids if capability in self.capabilities(c))

    def orgs_with(self, capability: Capability) -> frozenset[int]:
        return frozenset(o for o in self.roles if capability in self.capabilities(o))

    def highest_role(self) -> str | None:
        order = [Role.NETWORK_ADMIN, Role.CENTRE_ADMIN, Role.REFERENT, Role.READONLY]
        held = set().union(*self.roles.values()) if self.roles else set()
        return next((r for r in order if r in held), None)


NO_ACCESS = Access(user_id=None)


def get_access(user: Any) -> Access:
    """The user's access, memoised on the user object for the rest of the request (two queries:
    the memberships, then the organisations under them)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, CACHE_ATTR, None)
    if cached is not None:
        return cached
    access = _compute(user)
    setattr(user, CACHE_ATTR, access)
    return access


def forget_access(user: Any) -> None:
    if hasattr(user, CACHE_ATTR):
        delattr(user, CACHE_ATTR)


def _compute(user: Any) -> Access:
    from partners.accounts.models import Membership
    from partners.directory.models import TENANT_KINDS, Organisation

    memberships = list(
        Membership.objects.filter(user=user, is_active=True, organisation__kind__in=TENANT_KINDS).values_list(
            "organisation_id",
            "organisation__network_id",
            "role",
            "organisation__name",
            "organisation__short_name",
        )
    )
    if not memberships:
        return Access(user_id=user.pk)
    roots = {network_id or org_id for org_id, network_id, *_ in memberships}
    # the networks themselves and every tenant organisation under them, in one query
    tree = list(
        Organisation.objects.filter(Q(kind__in=TENANT_KINDS, network_id__in=roots) | Q(id__in=roots))
        .order_by()
        .values_list("id", "parent_id", "kind")
    )
    children: dict[int | None, list[int]] = defaultdict(list)
    kinds: dict[int, str] = {}
    for org_id, parent_id, kind in tree:
        if org_id in kinds:
            continue
        kinds[org_id] = kind
        children[parent_id].append(org_id)

    roles: dict[int, set[str]] = defaultdict(set)
    for org_id, _network_id, role, *_names in memberships:
        stack = [org_id]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            roles[current].add(role)
            stack.extend(children.get(current, ()))
    return Access(
        user_id=user.pk,
        roles={o: frozenset(r) for o, r in roles.items()},
        kinds={o: kinds[o] for o in roles if o in kinds},
        network_ids=frozenset(roots),
        memberships=tuple((m[0], m[4] or m[3], m[2]) for m in memberships),
    )


def require_capability(user: Any, capability: Capability, org_id: int | None = None) -> Access:
    """Raises PermissionDenied (403) unless ``user`` holds ``capability`` at ``org_id``."""
    from django.core.exceptions import PermissionDenied

    access = get_access(user)
    if not access.can(capability, org_id):
        raise PermissionDenied(f"missing capability {capability} at {org_id}")
    return access


class OutOfScope(Http404):
    """The object exists but belongs to another tenant: the user gets a plain 404 (no existence
    leak) and the audit log gets a denied-access entry (see ``DeniedAccessAuditMiddleware``)."""

    def __init__(self, target_type: str, target_id: Any):
        super().__init__("Not found")
        self.target_type = target_type
        self.target_id = target_id


def not_visible(model: Any, pk: Any) -> Http404:
    """The exception a selector raises for an object the user may not see.

    One extra query on this failure path only tells another tenant's object (audited) from one
    that does not exist at all.
    """
    if model._default_manager.filter(pk=pk).exists():
        return OutOfScope(model._meta.label, pk)
    return Http404("Not found")


def hidden(model: Any, pk: Any) -> Http404:
    """``not_visible`` for a key as it came in the URL (a malformed one is a plain 404)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return Http404("Not found")
    return not_visible(model, key)
