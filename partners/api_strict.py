"""Strict API input, shared by every app's serializers: unknown and read-only fields are refused.

A script that misspells a field gets a 400 naming it, instead of a success that silently ignored
half of what it sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers


class StrictSerializerMixin:
    """Refuses unknown and read-only fields instead of dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            writable = sorted(name for name, field in fields.items() if not field.read_only)
            errors: dict[str, list[exceptions.ErrorDetail]] = {}
            for key in data:
                if key in writable:
                    continue
                if key in fields:
                    errors[str(key)] = [
                        exceptions.ErrorDetail(_("This field is read-only."), code="read_only")
                    ]
                else:
                    errors[str(key)] = [
                        exceptions.ErrorDetail(
                            _("Unknown field. The fields you may send are: %(fields)s.")
                            % {"fields": ", ".join(writable)},
                            code="unknown_field",
                        )
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]
