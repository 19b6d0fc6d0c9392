"""Every state change of organisations, people and access goes through a function here.

Each function checks that the acting user may do it (views and the API check too, but this is
the last line), validates, writes inside one transaction and leaves an audit entry.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .access import forget_access, get_access
from .audit import audit_record, changes_between
from .emails import Placeholders, email_queue
from .models import (
    TENANT_KINDS,
    AuditEntry,
    Contact,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OutboundEmail,
    PartnershipAgreement,
    User,
)
from .roles import Capability, Role
from .uploads import JPEG, PDF, PNG, check_upload

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


def _value(instance: models.Model, name: str) -> Any:
    field: Any = instance._meta.get_field(name)
    if field.many_to_many:
        return sorted(o.pk for o in getattr(instance, name).all()) if instance.pk else []
    return getattr(instance, field.attname) if field.is_relation else getattr(instance, name)


def model_snapshot(instance: models.Model, names: list[str] | tuple[str, ...] | dict) -> dict[str, Any]:
    """The current values of ``names`` (ids for relations), to compare after a change."""
    return {name: _value(instance, name) for name in names}


def model_save_changes(
    *,
    instance: M,
    before: dict[str, Any],
    acting_user: User | None,
    action: str,
    centre_id: int | None = None,
    request: HttpRequest | None = None,
    audit_data: dict[str, Any] | None = None,
    m2m: dict[str, Any] | None = None,
) -> list[str]:
    """Saves the fields that differ from ``before`` (already validated) and audits them."""
    m2m = m2m or {}
    after = {name: _value(instance, name) for name in before if name not in m2m}
    after.update({name: sorted(getattr(v, "pk", v) for v in value) for name, value in m2m.items()})
    changes = changes_between(before, after)
    if not changes:
        return []
    with transaction.atomic():
        changed_plain = [name for name in changes if name not in m2m]
        if changed_plain:
            update_fields = [instance._meta.get_field(n).name for n in changed_plain]
            if any(f.name == "updated_at" for f in instance._meta.fields):
                update_fields.append("updated_at")
            instance.save(update_fields=update_fields)
        for name in changes:
            if name in m2m:
                getattr(instance, name).set(m2m[name])
        audit_record(
            action=action,
            actor=acting_user,
            target=instance,
            centre_id=centre_id,
            data={"changes": changes, **(audit_data or {})},
            request=request,
        )
    return list(changes)


def model_update(
    *,
    instance: M,
    data: dict[str, Any],
    acting_user: User | None,
    action: str,
    centre_id: int | None = None,
    request: HttpRequest | None = None,
    audit_data: dict[str, Any] | None = None,
) -> tuple[M, list[str]]:
    """Sets ``data`` on ``instance``, validates it, saves only what changed and audits the change.

    Returns the instance and the names of the fields that changed (nothing is written when none did).
    """
    m2m = {k: v for k, v in data.items() if instance._meta.get_field(k).many_to_many}
    before = model_snapshot(instance, list(data))
    for name, value in data.items():
        if name not in m2m:
            setattr(instance, name, value)
    instance.full_clean()
    changed = model_save_changes(
        instance=instance,
        before=before,
        acting_user=acting_user,
        action=action,
        centre_id=centre_id,
        request=request,
        audit_data=audit_data,
        m2m=m2m,
    )
    return instance, changed


def _created(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audit form of a creation: every field that was filled in."""
    after = {}
    for name in fields:
        value = _value(instance, name)
        if value not in ("", None, [], False):
            after[name] = value
    return changes_between({}, after)


# --- Users ------------------------------------------------------------------------------------
def user_update_profile(
    *, user: User, acting_user: User, data: dict[str, Any], request: HttpRequest | None = None
) -> User:
    """A person's own name and language."""
    allowed = {k: data[k] for k in ("first_name", "last_name", "preferred_language") if k in data}
    user, _changed = model_update(
        instance=user, data=allowed, acting_user=acting_user, action="user.profile", request=request
    )
    return user


def user_sessions_end(*, user: User) -> int:
    """Deletes every open session of ``user`` (they are logged out at their next request)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            owner = session.get_decoded().get("_auth_user_id")
        except Exception:  # noqa: S112  (a session that no longer decodes belongs to nobody)
            continue
        if owner == str(user.pk):
            session.delete()
            ended += 1
    return ended


# --- Organisations ----------------------------------------------------------------------------
ORGANISATION_FIELDS = (
    "kind",
    "name",
    "short_name",
    "parent",
    "country",
    "city",
    "postcode",
    "address",
    "oid",
    "pic",
    "national_id",
    "sector",
    "is_sme",
    "website",
    "email",
    "phone",
    "notes",
)


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
            data={"changes": _created(org, ORGANISATION_FIELDS), "duplicate_confirmed": confirm_duplicate},
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


#: Fields a merge copies from the removed record when the kept one has none.
_MERGE_FILL = (
    "short_name",
    "postcode",
    "address",
    "oid",
    "pic",
    "national_id",
    "sector",
    "is_sme",
    "website",
    "email",
    "phone",
    "logo",
)


#: Fields whose differing value in the removed record is written into the kept record's notes.
_MERGE_NOTED = ("short_name", "address", "oid", "pic", "national_id", "website", "email", "phone")


class MergeError(ValidationError):
    pass


@dataclass(frozen=True)
class MergeResult:
    organisation: Organisation
    relinked: dict[str, int]
    filled: list[str]


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    """Every relation pointing at ``model`` (hidden ones too), whichever app defines it.

    Auto-created many-to-many tables are reached through their ManyToManyRel, not their FKs.
    """
    fields: list[Any] = list(model._meta.get_fields(include_hidden=True))
    return [
        f
        for f in fields
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one or f.many_to_many)
        and not f.related_model._meta.auto_created
    ]


def organisation_merge(
    *, keep: Organisation, other: Organisation, acting_user: User, request: HttpRequest | None = None
) -> MergeResult:
    """Merges the duplicate ``other`` into ``keep`` and deletes it, losing nothing.

    Everything that points at ``other`` — contacts, agreements, and whatever later apps attach
    (mobilities hosted, learners' employers…) — is moved to ``keep``, found generically from the
    model's reverse relations so that this module never imports the apps above it. Empty fields of
    ``keep`` are filled from ``other``; their notes are put together. One transaction: on any
    conflict nothing changes.
    """
    if not selectors.organisation_can_merge(user=acting_user, keep=keep, other=other):
        raise PermissionDenied
    relinked: dict[str, int] = {}
    filled: list[str] = []
    try:
        with transaction.atomic():
            first, second = sorted([keep.pk, other.pk])
            locked = {
                o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=[first, second])
            }
            if len(locked) != 2:
                raise MergeError(_("One of the two organisations no longer exists."))
            keep, other = locked[keep.pk], locked[other.pk]

            noted = []
            for name in _MERGE_FILL:
                mine, theirs = getattr(keep, name), getattr(other, name)
                if mine in ("", None) and theirs not in ("", None):
                    setattr(keep, name, theirs)
                    filled.append(name)
                elif name in _MERGE_NOTED and theirs not in ("", None) and str(theirs) != str(mine):
                    noted.append(f"{_verbose_name(name)}: {theirs}")
            if other.name != keep.name:
                noted.insert(0, f"{_verbose_name('name')}: {other.name}")
            # Values that differ are kept in the notes rather than lost with the removed record.
            parts = [keep.notes.strip(), other.notes.strip()]
            if noted:
                heading = _("From the merged record #%(id)s") % {"id": other.pk}
                parts.append(f"{heading} — " + "; ".join(noted))
            notes = "\n\n".join(part for part in parts if part)
            if notes != keep.notes:
                keep.notes = notes
                filled.append("notes")
            if keep.parent_id == other.pk:
                keep.parent_id = other.parent_id if other.parent_id != keep.pk else None
                filled.append("parent")
            if filled:
                # the values come from a stored record: no form-level validation to redo here
                keep.save(update_fields=[*dict.fromkeys(filled), "updated_at"])

            for relation in _reverse_relations(Organisation):
                moved = _relink(relation, keep=keep, other=other)
                if moved:
                    relinked[f"{relation.related_model._meta.label}.{relation.field.name}"] = moved
            for field in Organisation._meta.many_to_many:
                values = set(getattr(other, field.name).values_list("pk", flat=True))
                if values:
                    getattr(keep, field.name).add(*values)
                    relinked[f"{Organisation._meta.label}.{field.name}"] = len(values)

            audit_record(
                action="organisation.merge",
                actor=acting_user,
                target=keep,
                centre_id=keep.owner_centre_id,
                data={
                    "merged_id": other.pk,
                    "merged_name": other.name,
                    "relinked": relinked,
                    "filled": filled,
                },
                request=request,
            )
            audit_record(
                action="organisation.merged_away",
                actor=acting_user,
                target=other,
                centre_id=other.owner_centre_id,
                data={"into_id": keep.pk},
                request=request,
            )
            other.delete()
    except (IntegrityError, ProtectedError, RestrictedError) as exc:
        logger.info("merge of %s into %s refused: %s", other.pk, keep.pk, exc)
        raise MergeError(
            _(
                "These two records cannot be merged automatically: both hold a record that may exist only once. Nothing was changed."
            )
        ) from exc
    keep.refresh_from_db()
    return MergeResult(organisation=keep, relinked=relinked, filled=filled)


def _verbose_name(name: str) -> str:
    field: Any = Organisation._meta.get_field(name)
    return str(field.verbose_name)


def _relink(relation: Any, *, keep: Organisation, other: Organisation) -> int:
    model = relation.related_model
    if model is AuditEntry:
        return 0  # append-only; the merge entry keeps the removed record's history reachable
    if relation.many_to_many:
        through = relation.through
        to_target = relation.field.m2m_reverse_field_name()
        to_source = relation.field.m2m_field_name()
        if through._meta.auto_created:
            already = through.objects.filter(**{to_target: keep.pk}).values_list(to_source, flat=True)
            through.objects.filter(**{to_target: other.pk, f"{to_source}__in": list(already)}).delete()
        return through.objects.filter(**{to_target: other.pk}).update(**{to_target: keep.pk})
    field = relation.field
    with transaction.atomic():  # a savepoint: a unique clash is reported, not half-applied
        return model._base_manager.filter(**{field.name: other.pk}).update(**{field.name: keep.pk})


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
            data={"organisation": organisation.pk, "changes": _created(contact, CONTACT_FIELDS)},
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
    for relation in _reverse_relations(Contact):
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


# --- Agreements -------------------------------------------------------------------------------
AGREEMENT_FIELDS = ("title", "reference", "valid_from", "valid_until", "scope")
SIGNED_COPY_TYPES = (PDF, PNG, JPEG)


def _check_partners(acting_user: User, partners: Iterable[Organisation]) -> list[Organisation]:
    partners = list(partners)
    networks = get_access(acting_user).network_ids
    if not partners:
        raise ValidationError({"partners": _("Choose at least one partner organisation.")})
    if any(p.network_id not in networks for p in partners):
        raise ValidationError({"partners": _("Select a valid choice.")})
    return partners


def _store_signed_copy(agreement: PartnershipAgreement, upload: UploadedFile) -> None:
    try:
        checked = check_upload(upload, allowed=SIGNED_COPY_TYPES)
    except ValidationError as exc:
        raise ValidationError({"signed_copy": exc.messages}) from exc
    agreement.signed_copy.save(checked.safe_name, checked.file, save=False)


def agreement_create(
    *,
    owner_centre: Organisation,
    acting_user: User,
    data: dict[str, Any],
    partners: Iterable[Organisation],
    signed_copy: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> PartnershipAgreement:
    """Records a partnership agreement of ``owner_centre`` with one or more partner organisations."""
    if not get_access(acting_user).can(Capability.EDIT_PARTNERS, owner_centre.pk):
        raise PermissionDenied
    partners = _check_partners(acting_user, partners)
    agreement = PartnershipAgreement(
        owner_centre=owner_centre, **{k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    )
    agreement.full_clean(exclude=["signed_copy"])
    stored: list[str] = []
    try:
        with transaction.atomic():
            if signed_copy is not None:
                _store_signed_copy(agreement, signed_copy)
                stored.append(agreement.signed_copy.name)
            agreement.save()
            agreement.partners.set(partners)
            audit_record(
                action="agreement.create",
                actor=acting_user,
                target=agreement,
                centre_id=owner_centre.pk,
                data={
                    "changes": _created(agreement, (*AGREEMENT_FIELDS, "signed_copy")),
                    "partners": [p.pk for p in partners],
                },
                request=request,
            )
    except Exception:
        _remove_files(stored)  # the row was not written: the file must not stay behind either
        raise
    return agreement


def agreement_update(
    *,
    agreement: PartnershipAgreement,
    acting_user: User,
    data: dict[str, Any],
    partners: Iterable[Organisation] | None = None,
    signed_copy: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> tuple[PartnershipAgreement, list[str]]:
    if not selectors.agreement_can_edit(user=acting_user, agreement=agreement):
        raise PermissionDenied
    fields: dict[str, Any] = {k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    if partners is not None:
        fields["partners"] = _check_partners(acting_user, partners)
    old_file = agreement.signed_copy.name if agreement.signed_copy else ""
    stored: list[str] = []
    try:
        with transaction.atomic():
            if signed_copy is not None:
                _store_signed_copy(agreement, signed_copy)
                stored.append(agreement.signed_copy.name)
                fields["signed_copy"] = agreement.signed_copy.name
                agreement.signed_copy = old_file  # so that the change is seen and audited
            result = model_update(
                instance=agreement,
                data=fields,
                acting_user=acting_user,
                action="agreement.update",
                centre_id=agreement.owner_centre_id,
                request=request,
            )
    except Exception:
        _remove_files(stored)
        raise
    if stored and old_file:
        transaction.on_commit(lambda: _remove_files([old_file]))
    return result


def _remove_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name, exc_info=True)


# --- Invitations and memberships --------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "INVITATION_TTL", 7 * 24 * 3600))


INVITATION_EMAIL_KIND = "invitation"


def _send_invitation(invitation: Invitation, acting_user: User) -> None:
    """Queues the invitation's e-mail; its token is made when it leaves (``invitation_email_issue``)."""
    placeholders = Placeholders()
    email_queue(
        kind=INVITATION_EMAIL_KIND,
        to=invitation.email,
        to_name=f"{invitation.first_name} {invitation.last_name}".strip(),
        template="partners_invitation",
        context={
            "invitation": invitation,
            "organisation": invitation.organisation.display_name,
            "role": Role(invitation.role).label,
            "inviter": acting_user.get_full_name() or acting_user.email,
            "accept_url": placeholders.add("invitation", invitation.pk),
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
        centre_id=invitation.organisation_id,
        related=invitation,
        sent_by=acting_user,
        placeholders=placeholders,
    )


def invitation_email_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: a fresh token for the invitation the e-mail was queued for; only its hash is kept.

    Every e-mail of an invitation makes its own token and the earlier ones stop working. An e-mail
    overtaken by a newer one (a resend), or whose invitation was accepted, withdrawn or expired,
    carries the page that says the invitation is no longer valid.
    """
    dead = settings.SITE_URL + reverse("account_invitation_accept")
    if message.related_type != Invitation._meta.label or message.related_id != reference:
        return dead
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=reference).first()
        overtaken = OutboundEmail.objects.filter(
            kind=INVITATION_EMAIL_KIND,
            related_type=message.related_type,
            related_id=reference,
            pk__gt=message.pk,
        ).exists()
        if invitation is None or not invitation.is_usable or overtaken:
            return dead
        if invitation.email.lower() != message.to.lower():
            return dead
        token = secrets.token_urlsafe(32)
        invitation.token_hash = _token_hash(token)
        invitation.save(update_fields=["token_hash", "updated_at"])
        audit_record(
            action="invitation.issue",
            actor_label="platform",
            target=invitation,
            centre_id=invitation.organisation_id,
            data={"email": message.pk},
        )
    return settings.SITE_URL + reverse("account_invitation", kwargs={"token": token})


def _require_grant(acting_user: User, organisation_id: int, *roles: str) -> None:
    grantable = selectors.roles_grantable_by(user=acting_user, organisation_id=organisation_id)
    if not grantable:
        raise PermissionDenied
    for role in roles:
        if role not in grantable:
            raise ValidationError({"role": _("You cannot give this role.")})


def invitation_create(
    *,
    acting_user: User,
    email: str,
    organisation: Organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    request: HttpRequest | None = None,
) -> Invitation:
    """Invites a person into ``organisation`` with ``role`` and e-mails them a link to set a password.

    The link's token exists only in the e-mail that leaves (the row keeps its hash). Inviting the
    same address again replaces the pending invitation.
    """
    _require_grant(acting_user, organisation.pk, role)
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, is_active=True
    ).exists():
        raise ValidationError(
            {"email": _("This person is already a member of %(org)s.") % {"org": organisation}}
        )
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        language=language,
        invited_by=acting_user,
        expires_at=timezone.now() + _invitation_ttl(),
    )
    invitation.full_clean()
    with transaction.atomic():
        now = timezone.now()
        for old in Invitation.objects.select_for_update().filter(
            email__iexact=email, organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            old.revoked_at = now
            old.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action="invitation.replace",
                actor=acting_user,
                target=old,
                centre_id=organisation.pk,
                request=request,
            )
        invitation.save()
        audit_record(
            action="invitation.create",
            actor=acting_user,
            target=invitation,
            centre_id=organisation.pk,
            data={"role": role, "organisation": organisation.pk},
            request=request,
        )
        _send_invitation(invitation, acting_user)
    return invitation


def invitation_resend(
    *, invitation: Invitation, acting_user: User, request: HttpRequest | None = None
) -> Invitation:
    """Sends a fresh link (the previous one stops working at once) and restarts the validity period."""
    _require_grant(acting_user, invitation.organisation_id, invitation.role)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if locked.accepted_at or locked.revoked_at:
            raise ValidationError(_("This invitation has already been accepted or withdrawn."), code="closed")
        locked.token_hash = None
        locked.expires_at = timezone.now() + _invitation_ttl()
        locked.save(update_fields=["token_hash", "expires_at", "updated_at"])
        audit_record(
            action="invitation.resend",
            actor=acting_user,
            target=locked,
            centre_id=locked.organisation_id,
            request=request,
        )
        _send_invitation(locked, acting_user)
    return locked


def invitation_revoke(
    *, invitation: Invitation, acting_user: User, request: HttpRequest | None = None
) -> Invitation:
    _require_grant(acting_user, invitation.organisation_id, invitation.role)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at:
            raise ValidationError(_("This invitation has already been accepted."), code="accepted")
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action="invitation.revoke",
                actor=acting_user,
                target=locked,
                centre_id=locked.organisation_id,
                request=request,
            )
    return locked


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation a link's token designates, or None (unknown, used, withdrawn, expired)."""
    if not token or len(token) > 200:
        return None
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_token_hash(token)).first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def _grant_membership(invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active", "updated_at"])
    return membership


def user_address_verify(*, user: User, proof: str, request: HttpRequest | None = None) -> None:
    """Records the login address as verified, the person having just used a link e-mailed to it.

    allauth refuses to set up a second factor while an address of the account is unverified, and
    staff must set one up in production.
    """
    with transaction.atomic():
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and address.verified:
            return
        if address is None:
            primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=primary)
        else:
            address.verified = True
            address.save(update_fields=["verified"])
        audit_record(
            action="user.address_verified", actor=user, target=user, data={"proof": proof}, request=request
        )


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Turns an invitation into a membership.

    Someone new gets an account with the password they chose; someone who already has an account
    must be logged in as that account (``user``) — an invitation never sets an existing password.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if not locked.is_usable:
            raise ValidationError(
                _("This invitation is no longer valid. Ask for a new one."), code="unusable"
            )
        existing = User.objects.filter(email__iexact=locked.email).first()
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise ValidationError(
                    _("An account already exists for this address: log in with it to accept the invitation."),
                    code="existing_account",
                )
            account = existing
            if not account.is_active:
                account.is_active = True
                account.save(update_fields=["is_active"])
        else:
            if user is not None and user.is_authenticated:
                raise ValidationError(
                    _("You are logged in with another account. Log out, then open the link again."),
                    code="other_account",
                )
            account = User(
                email=locked.email,
                first_name=first_name or locked.first_name,
                last_name=last_name or locked.last_name,
                preferred_language=locked.language,
            )
            try:
                validate_password(password, account)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.messages}) from exc
            account.set_password(password)
            account.full_clean(exclude=["password"])
            account.save()
        membership = _grant_membership(locked, account)
        user_address_verify(user=account, proof="invitation", request=request)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at", "updated_at"])
        audit_record(
            action="invitation.accept",
            actor=account,
            target=locked,
            centre_id=locked.organisation_id,
            data={"membership": membership.pk, "role": membership.role, "new_account": existing is None},
            request=request,
        )
    forget_access(account)
    return account


def membership_change_role(
    *, membership: Membership, role: str, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    """Gives a member another role; nobody changes their own, nor grants (or removes) more than they hold."""
    if membership.user_id == acting_user.pk:
        raise ValidationError({"role": _("You cannot change your own role. Ask another administrator.")})
    _require_grant(acting_user, membership.organisation_id, membership.role, role)
    membership, _changed = model_update(
        instance=membership,
        data={"role": role},
        acting_user=acting_user,
        action="membership.role",
        centre_id=membership.organisation_id,
        request=request,
    )
    return membership


def membership_deactivate(
    *, membership: Membership, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    """Withdraws a member's access to the organisation; their open sessions end at once.

    A person left with no active membership has their account deactivated as well.
    """
    if membership.user_id == acting_user.pk:
        raise ValidationError(_("You cannot deactivate yourself. Ask another administrator."), code="self")
    _require_grant(acting_user, membership.organisation_id, membership.role)
    with transaction.atomic():
        membership, _changed = model_update(
            instance=membership,
            data={"is_active": False},
            acting_user=acting_user,
            action="membership.deactivate",
            centre_id=membership.organisation_id,
            request=request,
        )
        user = User.objects.select_for_update().get(pk=membership.user_id)
        others = Membership.objects.filter(user=user, is_active=True).exclude(pk=membership.pk).exists()
        if not others and user.is_active and not user.is_staff:
            model_update(
                instance=user,
                data={"is_active": False},
                acting_user=acting_user,
                action="user.deactivate",
                centre_id=membership.organisation_id,
                request=request,
            )
        ended = user_sessions_end(user=user)
        if ended:
            audit_record(
                action="user.sessions_end",
                actor=acting_user,
                target=user,
                centre_id=membership.organisation_id,
                data={"sessions": ended},
                request=request,
            )
    return membership


def membership_reactivate(
    *, membership: Membership, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    _require_grant(acting_user, membership.organisation_id, membership.role)
    with transaction.atomic():
        membership, _changed = model_update(
            instance=membership,
            data={"is_active": True},
            acting_user=acting_user,
            action="membership.reactivate",
            centre_id=membership.organisation_id,
            request=request,
        )
        user = User.objects.select_for_update().get(pk=membership.user_id)
        if not user.is_active:
            model_update(
                instance=user,
                data={"is_active": True},
                acting_user=acting_user,
                action="user.reactivate",
                centre_id=membership.organisation_id,
                request=request,
            )
    return membership
