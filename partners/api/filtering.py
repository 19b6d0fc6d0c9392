"""Filters and ordering of list endpoints: validated, documented, never silently ignored.

Shared by every app's API (the partner directory's as well as the mobilities'), hence in the base layer.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

ORDERING_PARAM = "ordering"


class StrictOrderingFilter(BaseFilterBackend):
    """``?ordering=field,-other``: only the fields a view lists; the id always breaks ties."""

    def get_ordering(self, request: Any, view: Any) -> list[str]:
        raw = request.query_params.get(ORDERING_PARAM)
        if not raw:
            return list(getattr(view, "default_ordering", ()))
        allowed = tuple(view.ordering_fields)
        fields = [part.strip() for part in raw.split(",")]
        wrong = [f for f in fields if f.lstrip("-") not in allowed]
        if wrong or not fields:
            raise exceptions.ValidationError(
                {
                    ORDERING_PARAM: [
                        exceptions.ErrorDetail(
                            _(
                                "Unknown ordering “%(wrong)s”. Order by: %(allowed)s (prefix - for descending)."
                            )
                            % {"wrong": ", ".join(wrong) or raw, "allowed": ", ".join(allowed)},
                            code="invalid_ordering",
                        )
                    ]
                }
            )
        return fields

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if not getattr(view, "ordering_fields", None):
            return queryset
        ordering = self.get_ordering(request, view)
        if not ordering:
            return queryset
        tie = "-pk" if ordering[-1].startswith("-") else "pk"
        mapping = getattr(view, "ordering_map", {})
        expressions: list[str] = []
        for name in ordering:
            descending = name.startswith("-")
            target = mapping.get(name.lstrip("-"), name.lstrip("-"))
            expressions.append(f"-{target}" if descending else target)
        return queryset.order_by(*expressions, tie)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        fields = tuple(getattr(view, "ordering_fields", ()))
        if not fields:
            return []
        one = "-?(" + "|".join(re.escape(f) for f in fields) + ")"
        return [
            {
                "name": ORDERING_PARAM,
                "required": False,
                "in": "query",
                "description": _("Sort by one or more of: %(fields)s, separated by commas; - for descending.")
                % {"fields": ", ".join(fields)},
                "schema": {"type": "string", "pattern": f"^{one}(,{one})*$"},
            }
        ]


class _UpdatedSinceField(IsoDateTimeField):
    """An ISO 8601 instant; a ``+`` that a shell turned into a space in the offset is put back."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 2199:
            raise forms.ValidationError(
                _("Enter a date and time between the years 1900 and 2199."), code="invalid"
            )
        return result


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = _UpdatedSinceField


class _BoundedDateField(forms.DateField):
    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 2199:
            raise forms.ValidationError(_("Enter a date between the years 1900 and 2199."), code="invalid")
        return result


class BoundedDateFilter(django_filters.DateFilter):
    field_class = _BoundedDateField


def updated_since(field_name: str = "updated_at") -> UpdatedSinceFilter:
    return UpdatedSinceFilter(
        field_name=field_name,
        lookup_expr="gte",
        label=gettext_lazy("Changed at or after this instant (ISO 8601), for incremental synchronisation."),
    )


def search_words(queryset: Any, lookups: tuple[str, ...], value: str) -> Any:
    """Every word must match one of ``lookups`` (at most five words)."""
    from django.db.models import Q

    for word in value.split()[:5]:
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: word})
        queryset = queryset.filter(condition)
    return queryset


def centres_of_request(request: Any) -> Any:
    """The centres the caller sees: a filter on another centre is a 400, like an unknown id."""
    from partners.accounts.access import get_access
    from partners.directory.models import Organisation

    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=get_access(request.user).centre_ids)


def centre_filter(field_name: str = "centre") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=centres_of_request, label=gettext_lazy("Training centre id.")
    )


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    """A whole number: ``1.5`` or ``abc`` is a 400 naming the parameter, not an empty list."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """An object id (from 1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class _StrictBooleanField(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(django_filters.Filter):
    """``true`` or ``false``, nothing else (``null``, ``yes`` or ``2`` is a 400)."""

    field_class = _StrictBooleanField
