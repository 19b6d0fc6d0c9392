"""What every endpoint shares: strict input, scoped lookups, writes through the services.

Strictness is deliberate: a script that misspells a field or a filter gets a 400 naming it,
instead of a success that silently ignored half of what it sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from partners.accounts.roles import Capability
from partners.api.strict import StrictQueryMixin, StrictSerializerMixin, list_query_params

#: Dates outside these bounds are typing mistakes (and overflow date arithmetic).
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2199, 12, 31)


# --- Fields -----------------------------------------------------------------------------------
class BoundedDateField(serializers.DateField):
    default_error_messages = {
        "out_of_range": gettext_lazy("Enter a date between 1900-01-01 and 2199-12-31."),
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not MIN_DATE <= day <= MAX_DATE:
            self.fail("out_of_range")
        return day


def _json_problem(value: Any, depth: int = 0) -> str | None:
    if depth > 10:
        return _("The value is nested too deeply.")
    if isinstance(value, str):
        if "\x00" in value:
            return _("Null characters are not allowed.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("The text contains invalid characters.")
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = _json_problem(key, depth + 1) or _json_problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            problem = _json_problem(item, depth + 1)
            if problem:
                return problem
    return None


class SafeJSONField(serializers.JSONField):
    """JSON that PostgreSQL will store: no NUL characters, no lone surrogates, bounded depth."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        problem = _json_problem(value)
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return value


# --- Serializers ------------------------------------------------------------------------------
class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """DRF's model serializer with the API's field rules: bounded dates, storable JSON, honest blanks."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.DateField:
            field_class = BoundedDateField
        elif field_class is serializers.JSONField:
            field_class = SafeJSONField
            kwargs.pop("encoder", None)
            kwargs.pop("decoder", None)
        return field_class, kwargs

    def include_extra_kwargs(self, kwargs: dict[str, Any], extra_kwargs: dict[str, Any]) -> dict[str, Any]:
        # DRF drops ``allow_blank`` from read-only fields, so the schema would promise a value
        # from the choices where the data may hold "" (an optional choice left empty).
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


class StrictModelSerializer(StrictSerializerMixin, ModelSerializer):
    pass


def scoped_related(serializer: serializers.Serializer, name: str, queryset: Any) -> None:
    """Limits a relation field to objects the user may reach: another centre's id is "not found"."""
    field = serializer.fields.get(name)
    if field is None or field.read_only:
        return
    target = getattr(field, "child_relation", field)
    target.queryset = queryset


# --- Views ------------------------------------------------------------------------------------
class ApiViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """A viewset whose reads go through selectors and whose writes go through services.

    ``write_capability`` is needed somewhere (at some centre) for any write; the service then
    checks it at the centre concerned. ``action_capabilities`` overrides it per action.
    """

    write_capability: Capability | None = Capability.MANAGE_LEARNERS
    action_capabilities: dict[str, Capability] = {}
    #: actions that send a file: a token needs the ``documents`` scope for them
    file_actions: tuple[str, ...] = ()
    #: whether the list serves personal data (paged and counted by ``pagination.Pagination``)
    personal_data = False
    #: query parameters an action accepts besides filters, ordering and pagination
    action_query_params: dict[str, tuple[str, ...]] = {}

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.action_query_params.get(self.action or "", ()))
        if self.action == "list":
            allowed |= list_query_params(self)
        return allowed

    def context(self) -> dict[str, Any]:
        return self.get_serializer_context()

    def created(
        self, data: Any, url_name: str, pk: Any, *, status_code: int = status.HTTP_201_CREATED
    ) -> Response:
        return Response(data, status=status_code, headers={"Location": reverse(url_name, args=[pk])})
