"""Merging two organisations found to be the same: every reference moves to the one kept, in one
transaction, audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partners.accounts.models import User
from partners.audit.models import AuditEntry
from partners.audit.services import audit_record
from partners.directory import selectors
from partners.directory.models import Organisation

logger = logging.getLogger(__name__)


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


def reverse_relations(model: type[models.Model]) -> list[Any]:
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

            for relation in reverse_relations(Organisation):
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
