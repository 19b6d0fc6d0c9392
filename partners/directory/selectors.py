"""Reads of the directory, scoped to the user's networks: organisations with search and filters, their
contacts, who may edit or merge what, possible duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from partners.accounts.access import Access, get_access, not_visible
from partners.accounts.roles import Capability
from partners.directory.models import (
    DIRECTORY_KINDS,
    Contact,
    Organisation,
    OrganisationKind,
    normalise_name,
)


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
    quality: str = "",
) -> QuerySet[Organisation]:
    """The partner directory: every organisation of the user's networks, searched and filtered."""
    access = require(user, Capability.VIEW)
    qs = (
        _visible_organisations(access)
        .select_related("parent", "quality_status")
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
    if quality == "labelled":
        today = timezone.localdate()
        qs = qs.filter(Q(quality_labels__expires_on__isnull=True) | Q(quality_labels__expires_on__gte=today),
                       quality_labels__isnull=False).distinct()  # fmt: skip
    elif quality:
        qs = qs.filter(quality_status__status=quality)
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


def organisation_search_for_user(
    *, user: Any, q: str, kinds: tuple[str, ...] | None = None, limit: int = 20
) -> list[Organisation]:
    """A picker's matches: organisations of the user's networks by name, city, e-mail, OID or PIC."""
    qs = organisation_choices_for_user(user=user, kinds=kinds)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(organisation_search_condition(q) | Q(email__iexact=q))
    return list(qs[:limit])


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
