"""Every change to the directory: organisations (duplicates warned by OID, VAT or name and city) and
contacts, validated and audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, created_fields, model_update
from partners.directory import selectors
from partners.directory.merge import reverse_relations
from partners.directory.models import (
    ORGANISATION_FIELDS,
    TENANT_KINDS,
    Contact,
    Organisation,
    OrganisationKind,
)


# --- Organisations ----------------------------------------------------------------------------
class DuplicateOrganisation(ValidationError):
    """The new data looks like an organisation already in the directory.

    ``blocking`` matches (same OID) cannot be overridden; the others can, once the user confirms
    that this is a different organisation.
    """

    def __init__(self, matches: list[selectors.DuplicateMatch]):
        self.matches = matches
        self.blocking = [m for m in matches if m.same_oid]
        if self.blocking:
            super().__init__(
                {"oid": _("This OID is already used by %(name)s.") % {"name": self.blocking[0].organisation}},
                code="duplicate_oid",
            )
        else:
            super().__init__(
                _(
                    "This organisation looks like one already in the directory. Check it, or confirm that it is a different one."
                ),
                code="duplicate",
            )


def _check_duplicates(
    *, network_id: int | None, data: dict[str, Any], exclude_pk: int | None, confirm_duplicate: bool
) -> None:
    matches = selectors.organisation_possible_duplicates(
        network_id=network_id,
        name=data.get("name", ""),
        city=data.get("city", ""),
        oid=data.get("oid", ""),
        national_id=data.get("national_id", ""),
        exclude_pk=exclude_pk,
    )
    if not matches:
        return
    error = DuplicateOrganisation(matches)
    if error.blocking or not confirm_duplicate:
        raise error


def organisation_create(
    *,
    acting_user: User,
    data: dict[str, Any],
    owner_centre: Organisation | None = None,
    confirm_duplicate: bool = False,
    request: HttpRequest | None = None,
) -> Organisation:
    """Adds an organisation to the user's network.

    A directory entry (host company, employer, intermediary, school) joins the network of
    ``owner_centre`` (the creating centre, whose staff may then edit it). A training centre joins
    the network of its parent, on which the user must be an administrator.
    """
    fields = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS}
    kind = fields.get("kind")
    org = Organisation(**fields)
    if kind == OrganisationKind.TRAINING_CENTRE:
        parent = fields.get("parent")
        if parent is None or not selectors.parent_choices_for(user=acting_user).filter(pk=parent.pk).exists():
            raise ValidationError({"parent": _("Choose a network you administer.")})
        org.network_id = parent.network_id or parent.pk
        org.owner_centre = None
        audit_centre = parent.pk
    elif kind in TENANT_KINDS:
        raise PermissionDenied  # new networks are created by the platform operator
    else:
        if owner_centre is None or not get_access(acting_user).can(Capability.EDIT_PARTNERS, owner_centre.pk):
            raise ValidationError({"owner_centre": _("Choose a centre you work for.")})
        org.owner_centre = owner_centre
        org.network_id = owner_centre.network_id or owner_centre.pk
        audit_centre = owner_centre.pk
        parent = fields.get("parent")
        if parent is not None and (parent.network_id != org.network_id or not parent.is_directory_entry):
            raise ValidationError({"parent": _("Select a valid choice.")})
    org.full_clean()
    _check_duplicates(
        network_id=org.network_id,
        data={"name": org.name, "city": org.city, "oid": org.oid, "national_id": org.national_id},
        exclude_pk=None,
        confirm_duplicate=confirm_duplicate,
    )
    with transaction.atomic():
        org.save()
        audit_record(
            action="organisation.create",
            actor=acting_user,
            target=org,
            centre_id=audit_centre,
            data={
                "changes": created_fields(org, ORGANISATION_FIELDS),
                "duplicate_confirmed": confirm_duplicate,
            },
            request=request,
        )
    return org


def organisation_update(
    *,
    organisation: Organisation,
    acting_user: User,
    data: dict[str, Any],
    confirm_duplicate: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Organisation, list[str]]:
    """Edits an organisation; tenants keep their kind and parent (the operator moves them)."""
    if not selectors.organisation_can_edit(user=acting_user, organisation=organisation):
        raise PermissionDenied
    fields = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS}
    if organisation.is_tenant:
        fields.pop("kind", None)
        fields.pop("parent", None)
    else:
        if fields.get("kind") in TENANT_KINDS:
            raise ValidationError({"kind": _("Select a valid choice.")})
        parent = fields.get("parent")
        if parent is not None and (
            parent.network_id != organisation.network_id
            or parent.pk == organisation.pk
            or not parent.is_directory_entry
        ):
            raise ValidationError({"parent": _("Select a valid choice.")})
    probe = {
        "name": fields.get("name", organisation.name),
        "city": fields.get("city", organisation.city),
        "oid": (fields.get("oid", organisation.oid) or "").strip().upper(),
        "national_id": fields.get("national_id", organisation.national_id),
    }
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        identity_changed = any(
            str(probe[k]).strip().upper().replace(" ", "")
            != str(getattr(locked, k)).strip().upper().replace(" ", "")
            for k in probe
        )
        if identity_changed:
            _check_duplicates(
                network_id=organisation.network_id,
                data=probe,
                exclude_pk=organisation.pk,
                confirm_duplicate=confirm_duplicate,
            )
        return model_update(
            instance=organisation,
            data=fields,
            acting_user=acting_user,
            action="organisation.update",
            centre_id=organisation.owner_centre_id or (organisation.pk if organisation.is_tenant else None),
            request=request,
        )


def organisation_place_in_network(*, organisation: Organisation) -> Organisation:
    """Sets ``network`` from the organisation's position: a root network points to itself, a
    centre (or a sub-network) to its parent's root, a directory entry to its creating centre's."""
    root: int | None
    if organisation.parent_id:
        parent = Organisation.objects.only("pk", "network_id").get(pk=organisation.parent_id)
        root = parent.network_id or parent.pk
    elif organisation.kind in TENANT_KINDS:
        root = organisation.pk
    elif organisation.owner_centre_id:
        owner = Organisation.objects.only("pk", "network_id").get(pk=organisation.owner_centre_id)
        root = owner.network_id or owner.pk
    else:
        root = organisation.network_id
    if root != organisation.network_id:
        organisation.network_id = root
        organisation.save(update_fields=["network"])
    return organisation


# --- Contacts ---------------------------------------------------------------------------------
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "email",
    "phone",
    "languages",
    "preferred_language",
    "is_tutor",
    "is_employer_contact",
    "is_reference_person",
)


def contact_create(
    *,
    organisation: Organisation,
    acting_user: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Contact:
    """Adds a person (tutor, employer contact…) to an organisation of the user's network."""
    if not selectors.contact_can_add(user=acting_user, organisation=organisation):
        raise PermissionDenied
    contact = Contact(organisation=organisation, **{k: v for k, v in data.items() if k in CONTACT_FIELDS})
    contact.owner_centre_id = selectors.contact_owner_centre_for(user=acting_user, organisation=organisation)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        audit_record(
            action="contact.create",
            actor=acting_user,
            target=contact,
            centre_id=contact.owner_centre_id,
            data={"organisation": organisation.pk, "changes": created_fields(contact, CONTACT_FIELDS)},
            request=request,
        )
    return contact


def contact_update(
    *, contact: Contact, acting_user: User, data: dict[str, Any], request: HttpRequest | None = None
) -> tuple[Contact, list[str]]:
    if not selectors.contact_can_edit(user=acting_user, contact=contact):
        raise PermissionDenied
    return model_update(
        instance=contact,
        data={k: v for k, v in data.items() if k in CONTACT_FIELDS},
        acting_user=acting_user,
        action="contact.update",
        centre_id=contact.owner_centre_id,
        request=request,
    )


def contact_references(contact: Contact) -> int:
    """How many records (of any app) name this person: mobilities tutored, learners' employers…"""
    total = 0
    for relation in reverse_relations(Contact):
        if relation.many_to_many:
            total += relation.through.objects.filter(
                **{relation.field.m2m_reverse_field_name(): contact.pk}
            ).count()
        else:
            total += relation.related_model._base_manager.filter(**{relation.field.name: contact.pk}).count()
    return total


def contact_delete(*, contact: Contact, acting_user: User, request: HttpRequest | None = None) -> None:
    """Removes a person who is named nowhere; someone still named on a record stays."""
    if not selectors.contact_can_edit(user=acting_user, contact=contact):
        raise PermissionDenied
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        count = contact_references(locked)
        if count:
            raise ValidationError(
                _(
                    "%(name)s is still named on %(count)s record(s) (mobilities, learners…) and cannot be removed."
                )
                % {"name": locked.full_name, "count": count},
                code="in_use",
            )
        audit_record(
            action="contact.delete",
            actor=acting_user,
            target=locked,
            centre_id=locked.owner_centre_id,
            data={"organisation": locked.organisation_id},
            request=request,
        )
        locked.delete()
