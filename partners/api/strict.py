"""Strict API input, shared by every app's endpoints: unknown fields, read-only fields and unknown
query parameters are refused.

A script that misspells a field or a filter gets a 400 naming it, instead of a success that
silently ignored half of what it sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from partners.api.filtering import ORDERING_PARAM


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


class StrictQueryMixin:
    """Unknown query parameters are a 400 naming them (a misspelt filter must not return everything)."""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self.check_query_params(request)

    def allowed_query_params(self) -> set[str]:
        return set()

    def check_query_params(self, request: Any) -> None:
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        empty = sorted(
            name for name in set(request.query_params) & allowed if not request.query_params.get(name)
        )
        if empty:
            raise exceptions.ValidationError(
                {
                    name: [
                        exceptions.ErrorDetail(
                            _("This parameter is empty: give it a value or leave it out."),
                            code="empty_parameter",
                        )
                    ]
                    for name in empty
                }
            )
        if unknown:
            known = ", ".join(sorted(allowed)) or _("none")
            raise exceptions.ValidationError(
                {
                    name: [
                        exceptions.ErrorDetail(
                            _("Unknown query parameter. This endpoint accepts: %(known)s.")
                            % {"known": known},
                            code="unknown_parameter",
                        )
                    ]
                    for name in unknown
                }
            )


def list_query_params(view: Any) -> set[str]:
    """What a list accepts: the filters of its filter set, ``ordering`` when it sorts, and paging."""
    allowed: set[str] = set()
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        allowed |= set(filterset_class.base_filters)
    if getattr(view, "ordering_fields", None):
        allowed.add(ORDERING_PARAM)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        allowed |= {paginator.page_query_param, paginator.page_size_query_param}
    return allowed
