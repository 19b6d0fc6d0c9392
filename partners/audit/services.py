"""The audit log's writer (``audit_record``: who did what to which object, from where) and the audited
save of a changed row (``model_update``: only the changed fields saved, and named in the entry).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import HttpRequest

from partners.accounts.models import User
from partners.audit.models import AuditEntry
from partners.http import client_ip

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


def created_fields(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audit form of a creation: every field that was filled in."""
    after = {}
    for name in fields:
        value = _value(instance, name)
        if value not in ("", None, [], False):
            after[name] = value
    return changes_between({}, after)


#: Fields whose values may be copied into the audit log (no personal data: names, dates of birth,
#: contact details and free text are recorded by field name only).
AUDITABLE_VALUES = frozenset(
    {
        "status",
        "role",
        "is_active",
        "kind",
        "version",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "activity_type",
        "host_organisation",
        "host_tutor",
        "project",
        "decision",
        "state",
    }
)


def _label(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_label(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _label(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The audit form of a change: values for auditable fields, the bare field name for the rest."""
    changed: dict[str, Any] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in AUDITABLE_VALUES:
            changed[name] = [_label(old), _label(new)]
        else:
            changed[name] = None
    return changed


def audit_record(**fields: Any) -> AuditEntry:
    """Appends one entry (the arguments of ``audit_entry``). ``target`` names the object (type and id
    only, never its content)."""
    entry = audit_entry(**fields)
    entry.save()
    return entry


def audit_entry(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    centre_id: int | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """The entry ``audit_record`` appends, not saved yet: for services that write many at once
    (``AuditEntry.objects.bulk_create``)."""
    if target is not None:
        target_type = target_type or target._meta.label
        target_id = target_id or target.pk
    person = actor if isinstance(actor, User) and actor.is_authenticated else None
    return AuditEntry(
        action=action,
        actor=person,
        actor_label=(actor_label or (str(person) if person else ""))[:200],
        target_type=target_type,
        target_id=str(target_id or ""),
        centre_id=centre_id,
        data={k: _label(v) for k, v in (data or {}).items()},
        ip=client_ip(request),
    )


def audit_denied(
    *,
    request: HttpRequest | None,
    status: int,
    target_type: str = "",
    target_id: Any = "",
) -> AuditEntry | None:
    """Records a refused access (403, or 404 for another tenant's object). Never breaks the response."""
    user = getattr(request, "user", None) if request is not None else None
    try:
        return audit_record(
            action="access.denied",
            actor=user,
            target_type=target_type,
            target_id=target_id,
            data={"status": status, "path": (request.path[:300] if request is not None else "")},
            request=request,
        )
    except Exception:  # the audit must not turn a 403 into a 500
        logger.warning("could not record a denied access", exc_info=True)
        return None
