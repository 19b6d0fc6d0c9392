"""Readable history lines from audit entries."""

from __future__ import annotations

import contextlib
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from partners.audit.labels import action_label as _action_label

register = template.Library()


@register.filter
def action_label(entry: Any) -> str:
    return _action_label(entry.action)


@register.filter
def changed_fields(entry: Any) -> str:
    """The names of the fields an entry changed, as the forms label them."""
    changes = (entry.data or {}).get("changes") or {}
    if not isinstance(changes, dict) or not changes:
        return ""
    try:
        model = apps.get_model(entry.target_type) if entry.target_type else None
    except (LookupError, ValueError):
        model = None
    names = []
    for name in changes:
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                label = str(model._meta.get_field(name).verbose_name)
        names.append(label)
    return ", ".join(names)
