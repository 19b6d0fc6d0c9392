"""A ceiling on every free text people type (notes, comments, agreement texts, evaluations…), whatever
the path: pages, guest pages, API, imports, admin. Checked before each save, refused with a message
naming the field; what the platform writes itself (e-mail bodies, job errors) is left out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

APPS = frozenset({"partners", "mobility", "certification"})

#: Text written by the platform, not typed by a person.
SYSTEM_FIELDS = frozenset(
    {
        "partners.OutboundEmail.body_text", "partners.OutboundEmail.body_html", "mobility.ImportBatch.error",
        "mobility.ExportJob.error", "certification.DocumentJob.error", "certification.GroupIssue.error",
        "certification.Certificate.sealed_credential",
    }
)  # fmt: skip


def text_max_chars() -> int:
    return int(getattr(settings, "TEXT_MAX_CHARS", 10_000))


def text_fields_too_long(instance: models.Model) -> dict[str, str]:
    """{field: message} for each free text over the ceiling."""
    limit = text_max_chars()
    errors: dict[str, str] = {}
    label = instance._meta.label
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.TextField) or f"{label}.{field.name}" in SYSTEM_FIELDS:
            continue
        message = text_too_long(str(field.verbose_name), getattr(instance, field.attname), limit)
        if message:
            errors[field.name] = message
    return errors


def text_too_long(label: str, value: Any, limit: int | None = None) -> str | None:
    """The message refusing ``value`` when it is over ``limit`` (the ceiling unless given), else None."""
    limit = text_max_chars() if limit is None else limit
    if not isinstance(value, str) or len(value) <= limit:
        return None
    return _("%(field)s: at most %(limit)s characters (this one has %(length)s).") % {
        "field": label.capitalize(),
        "limit": f"{limit:,}".replace(",", " "),
        "length": f"{len(value):,}".replace(",", " "),
    }


def _check(sender: type[models.Model], instance: models.Model, raw: bool = False, **_kwargs: Any) -> None:
    if raw or sender._meta.app_label not in APPS:
        return
    errors = text_fields_too_long(instance)
    if errors:
        raise ValidationError(errors, code="too_long")


def connect() -> None:
    pre_save.connect(_check, dispatch_uid="partners.text_limits")
