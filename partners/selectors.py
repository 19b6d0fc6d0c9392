"""Reads of organisations, people, agreements and access, scoped to what the user may see.

The tenancy rule of the base layer:
- organisations (tenants and the shared directory) are visible across the user's root networks;
- contacts are visible with their organisation;
- agreements, memberships and invitations belong to a tenant organisation and are visible to its
  members (and to administrators above it);
- another tenant's object is a 404 (``not_visible``), a missing capability a 403.

The ``*_can_*`` functions state who may change what; views, the API and services all ask them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import Access, get_access, not_visible
from .models import (
    DIRECTORY_KINDS,
    EXPIRY_NOTICE_DAYS,
    TENANT_KINDS,
    AuditEntry,
    Contact,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PartnershipAgreement,
    User,
    normalise_name,
)
from .roles import GRANTABLE, Capability


def require(user: Any, capability: Capability, org_id: int | None = None) -> Access:
    """The user's access when they hold ``capability`` (at ``org_id``, or anywhere); a 403 otherwise."""
    access = get_access(user)
    if not access.can(capability, org_id):
        raise PermissionDenied
    return access


# --- Organisations ----------------------------------------------------------------------------
ORGANISATION_SORTS: dict[str, tuple[str, ...]] = {
    # the folded name: "Bäckerei" sorts with "Backerei", whatever the database's collation
    "name": ("normalised_name", "id"),
    "-name": ("-normalised_name", "-id"),
    "city": ("city", "normalised_name", "id"),
    "-city": ("-city", "normalised_name", "id"),
    "country": ("country", "city", "normalised_name", "id"),
    "-country": ("-country", "city", "normalised_name", "id"),
    "kind": ("kind", "normalised_name", "id"),
    "-kind": ("-kind", "normalised_name", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def _visible_organisations(access: Access) -> QuerySet[Organisation]:
    return Organisation.objects.filter(network_id__in=access.network_ids)


def organisation_list_for_user(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    country: str = "",
    sector: str = "",
    sort: str = "name",
) -> QuerySet[Organisation]:
    """The partner directory: every organisation of the user's networks, searched and filtered."""
    access = require(user, Capability.VIEW)
    qs = (
        _visible_organisations(access)
        .select_related("parent")
        .annotate(contact_count=Count("contacts", distinct=True))
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(organisation_search_condition(q))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country=country)
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by(*ORGANISATION_SORTS.get(sort, ORGANISATION_SORTS["name"]))


def organisation_search_condition(q: str) -> Q:
    """What the directory's search box matches: name, usual name, city (accents folded), OID, PIC."""
    q = q.strip()
    match = Q(name__icontains=q) | Q(short_name__icontains=q) | Q(city__icontains=q)
    match |= Q(oid__iexact=q.replace(" ", "")) | Q(pic=q.replace(" ", ""))
    folded = normalise_name(q)
    if folded:
        match |= Q(normalised_name__contains=folded)
    return match


def organisation_countries_for_user(*, user: Any) -> list[str]:
    """Country codes of the organisations the user can see (for the directory's country filter)."""
    access = get_access(user)
    return list(_visible_organisations(access).order_by().values_list("country", flat=True).distinct())


def organisation_get_for_user(*, user: Any, pk: Any) -> Organisation:
    """One organisation of the user's networks; another network's is a 404."""
    access = get_access(user)
    organisation = (
        _visible_organisations(access)
        .select_related("parent", "owner_centre", "network")
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise not_visible(Organisation, pk)
    return organisation


def organisation_choices_for_user(
    *, user: Any, kinds: tuple[str, ...] | None = None
) -> QuerySet[Organisation]:
    """Organisations a form may point to (agreement partners, parents): the user's networks only."""
    qs = _visible_organisations(get_access(user))
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("name", "id")


def organisation_can_edit(*, user: Any, organisation: Organisation) -> bool:
    """Tenants: their administrators. Directory entries: staff of the creating centre, and the
    administrators above it (an entry without a creating centre: staff of the network)."""
    access = get_access(user)
    if organisation.network_id not in access.network_ids:
        return False
    if organisation.is_tenant:
        return access.can(Capability.MANAGE_ORGANISATION, organisation.pk)
    owner = organisation.owner_centre_id or organisation.network_id
    return access.can(Capability.EDIT_PARTNERS, owner)


def organisation_can_merge(*, user: Any, keep: Organisation, other: Organisation) -> bool:
    """Two directory entries of one network, each within the user's merging rights."""
    access = get_access(user)
    if keep.pk == other.pk or keep.network_id != other.network_id:
        return False
    if not (keep.is_directory_entry and other.is_directory_entry):
        return False
    return all(
        access.can(Capability.MERGE_ORGANISATIONS, org.owner_centre_id or org.network_id)
        for org in (keep, other)
    )


def owner_centres_for(
    *, user: Any, capability: Capability = Capability.EDIT_PARTNERS
) -> QuerySet[Organisation]:
    """The tenant organisations on whose behalf the user may create directory entries."""
    ids = get_access(user).orgs_with(capability)
    return Organisation.objects.filter(pk__in=ids).order_by("kind", "name")


def creatable_kinds_for(*, user: Any) -> list[str]:
    """Directory kinds for staff who edit partners; training centres for network administrators."""
    access = get_access(user)
    kinds: list[str] = []
    if access.orgs_with(Capability.EDIT_PARTNERS):
        kinds.extend(DIRECTORY_KINDS)
    if any(
        access.kinds.get(org) == OrganisationKind.NETWORK
        for org in access.orgs_with(Capability.MANAGE_ORGANISATION)
    ):
        kinds.append(OrganisationKind.TRAINING_CENTRE)
    return kinds


def parent_choices_for(*, user: Any) -> QuerySet[Organisation]:
    """Networks under which the user may add a training centre."""
    access = get_access(user)
    ids = [
        org
        for org in access.orgs_with(Capability.MANAGE_ORGANISATION)
        if access.kinds.get(org) == OrganisationKind.NETWORK
    ]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


@dataclass(frozen=True)
class DuplicateMatch:
    organisation: Organisation
    #: why it looks like the same organisation: "oid", "national_id", "name_city"
    reasons: tuple[str, ...]

    @property
    def same_oid(self) -> bool:
        return "oid" in self.reasons


def organisation_possible_duplicates(
    *,
    network_id: int | None,
    name: str,
    city: str,
    oid: str = "",
    national_id: str = "",
    exclude_pk: int | None = None,
) -> list[DuplicateMatch]:
    """Records of the same network that are probably the same organisation: same OID, same
    national id / VAT, or the same normalised name in the same city.

    Only the network the new record joins is searched, so nothing outside the user's view leaks.
    """
    if network_id is None:
        return []
    oid = (oid or "").strip().upper()
    national_id = (national_id or "").strip().upper().replace(" ", "")
    folded_name = normalise_name(name)
    folded_city = normalise_name(city)
    match = Q()
    if oid:
        match |= Q(oid=oid)
    if national_id:
        match |= Q(national_id=national_id)
    if folded_name and folded_city:
        match |= Q(normalised_name=folded_name)
    if not match:
        return []
    qs = Organisation.objects.filter(network_id=network_id).filter(match).order_by("name", "id")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    found: list[DuplicateMatch] = []
    for org in qs[:20]:
        reasons = []
        if oid and org.oid == oid:
            reasons.append("oid")
        if national_id and org.national_id == national_id:
            reasons.append("national_id")
        if folded_name and org.normalised_name == folded_name and normalise_name(org.city) == folded_city:
            reasons.append("name_city")
        if reasons:
            found.append(DuplicateMatch(org, tuple(reasons)))
    return found


# --- Contacts ---------------------------------------------------------------------------------
def contact_list_for_organisation(*, user: Any, organisation: Organisation) -> QuerySet[Contact]:
    """The people of an organisation the user can already see (call after the organisation's selector)."""
    if organisation.network_id not in get_access(user).network_ids:
        raise not_visible(Organisation, organisation.pk)
    return organisation.contacts.order_by("last_name", "first_name", "id")


def contact_get_for_user(*, user: Any, pk: Any) -> Contact:
    """A contact of an organisation of the user's networks; anyone else's is a 404."""
    access = get_access(user)
    contact = (
        Contact.objects.select_related("organisation", "owner_centre")
        .filter(pk=pk, organisation__network_id__in=access.network_ids)
        .first()
    )
    if contact is None:
        raise not_visible(Contact, pk)
    return contact


def contact_can_add(*, user: Any, organisation: Organisation) -> bool:
    """Any staff member who edits partners in the organisation's network may add a person to it
    (a second centre places learners with another tutor of a shared host company)."""
    access = get_access(user)
    if organisation.network_id not in access.network_ids:
        return False
    if organisation.is_tenant:
        return access.can(Capability.MANAGE_ORGANISATION, organisation.pk)
    return any(access.can(Capability.EDIT_PARTNERS, org) for org in access.org_ids)


def contact_can_edit(*, user: Any, contact: Contact) -> bool:
    """The centre that added the person, whoever may edit the organisation, and admins above them."""
    if organisation_can_edit(user=user, organisation=contact.organisation):
        return True
    return bool(contact.owner_centre_id) and get_access(user).can(
        Capability.EDIT_PARTNERS, contact.owner_centre_id
    )


def contact_owner_centre_for(*, user: Any, organisation: Organisation) -> int | None:
    """The centre recorded as having added a contact: the user's own (first) centre that edits partners."""
    access = get_access(user)
    centres = sorted(access.centres_with(Capability.EDIT_PARTNERS)) or sorted(
        access.orgs_with(Capability.EDIT_PARTNERS)
    )
    if organisation.owner_centre_id in centres:
        return organisation.owner_centre_id
    direct = [m[0] for m in access.memberships if m[0] in centres]
    chosen = direct or centres
    return chosen[0] if chosen else None


# --- Agreements -------------------------------------------------------------------------------
def _visible_agreements(access: Access) -> QuerySet[PartnershipAgreement]:
    return PartnershipAgreement.objects.filter(owner_centre_id__in=access.org_ids)


def agreement_list_for_user(
    *, user: Any, q: str = "", state: str = "", partner_id: int | None = None
) -> QuerySet[PartnershipAgreement]:
    """Agreements of the centres (and chambers) the user belongs to, soonest ending first."""
    access = require(user, Capability.VIEW)
    qs = _visible_agreements(access).select_related("owner_centre").prefetch_related("partners")
    today = timezone.localdate()
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(partners__name__icontains=q)
        ).distinct()
    if partner_id is not None:
        qs = qs.filter(Q(partners=partner_id) | Q(owner_centre=partner_id)).distinct()
    if state == "current":
        qs = qs.filter(valid_from__lte=today, valid_until__gte=today)
    elif state == "expiring":
        qs = qs.filter(
            valid_from__lte=today,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    elif state == "expired":
        qs = qs.filter(valid_until__lt=today)
    elif state == "upcoming":
        qs = qs.filter(valid_from__gt=today)
    return qs.order_by("valid_until", "title", "id")


def agreement_expiring_for_user(
    *, user: Any, within_days: int = EXPIRY_NOTICE_DAYS
) -> QuerySet[PartnershipAgreement]:
    """Agreements still valid today that end within ``within_days``: the referent renews them."""
    access = get_access(user)
    today = timezone.localdate()
    return (
        _visible_agreements(access)
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=within_days))
        .select_related("owner_centre")
        .prefetch_related("partners")
        .order_by("valid_until", "id")
    )


def agreement_list_for_organisation(
    *, user: Any, organisation: Organisation
) -> QuerySet[PartnershipAgreement]:
    """The agreements the user may see that involve ``organisation`` (as partner or owner)."""
    access = get_access(user)
    return (
        _visible_agreements(access)
        .filter(Q(partners=organisation) | Q(owner_centre=organisation))
        .distinct()
        .select_related("owner_centre")
        .prefetch_related("partners")
        .order_by("valid_until", "id")
    )


def agreement_get_for_user(*, user: Any, pk: Any) -> PartnershipAgreement:
    access = get_access(user)
    agreement = (
        _visible_agreements(access)
        .select_related("owner_centre")
        .prefetch_related("partners")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise not_visible(PartnershipAgreement, pk)
    return agreement


def agreement_can_edit(*, user: Any, agreement: PartnershipAgreement) -> bool:
    return get_access(user).can(Capability.EDIT_PARTNERS, agreement.owner_centre_id)


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


# --- History ----------------------------------------------------------------------------------
def history_for(*, obj: Any, limit: int | None = None) -> QuerySet[AuditEntry]:
    """The audit entries about ``obj`` (and, for an organisation, about the records merged into it).

    Call it only for an object the user was allowed to see through its selector.
    """
    target_type = obj._meta.label
    ids = {str(obj.pk)}
    if isinstance(obj, Organisation):
        ids |= _merged_into(obj.pk)
    qs = (
        AuditEntry.objects.filter(target_type=target_type, target_id__in=ids)
        .exclude(action="access.denied")  # refused attempts are security records, not the object's history
        .select_related("actor")
        .order_by("-at", "-id")
    )
    return qs[:limit] if limit else qs


def _merged_into(pk: int) -> set[str]:
    """Ids of organisations merged into ``pk``, transitively (their history stays visible)."""
    found: set[str] = set()
    frontier = {str(pk)}
    while frontier:
        merged = set(
            AuditEntry.objects.filter(
                action="organisation.merge", target_type=Organisation._meta.label, target_id__in=frontier
            ).values_list("data__merged_id", flat=True)
        )
        merged = {str(m) for m in merged if m is not None} - found
        found |= merged
        frontier = merged
    return found


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
