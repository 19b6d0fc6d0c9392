"""Page-number pagination that refuses what it cannot honour instead of guessing — and the one
place where the API's policy on lists of personal data is applied.

``?page_size=100000`` or ``?page=abc`` is a 400 naming the parameter (DRF would silently cap or
answer "Invalid page"); a page past the end is a 404 that says where the last page is.

A view marked ``personal_data = True`` (learners, mobilities, documents, contacts) lists personal
data: pages of more than ``page_size_without_export`` rows need the export capability at every
centre the user sees (403 otherwise: ask for the next pages, or request an export), and every page
served is counted against the person's hourly export budget and audited with its row count and
filters (``mobility.data_budget``); past the budget the answer is a 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from mobility.data.budget import personal_data_list_record
from partners.accounts.access import get_access
from partners.accounts.models import ApiToken
from partners.accounts.roles import Capability


def _positive_int(request: Any, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("Enter a whole number.")]}) from None
    if value < 1:
        raise exceptions.ValidationError({name: [_("Enter a number of at least 1.")]})
    return value


def may_take_large_pages(user: Any) -> bool:
    """Large pages of personal data are an export: the capability is needed wherever the rows come from."""
    access = get_access(user)
    return bool(access.centre_ids) and access.centre_ids <= access.centres_with(Capability.EXPORT_DATA)


class Pagination(PageNumberPagination):
    page_size = 50
    max_page_size = 500
    page_size_without_export = 100
    page_size_query_param = "page_size"

    def get_page_size(self, request: Any) -> int:
        size = _positive_int(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        if size > self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("At most %(max)s results per page; ask for the next pages instead.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list | None:
        self.request = request
        page_size = self.get_page_size(request)
        personal = bool(getattr(view, "personal_data", False))
        if personal and page_size > self.page_size_without_export and not may_take_large_pages(request.user):
            raise exceptions.PermissionDenied(
                _(
                    "page_size: pages of more than %(max)s rows of personal data need the export "
                    "capability; ask for the next pages instead, or ask someone who may export."
                )
                % {"max": self.page_size_without_export}
            )
        number = _positive_int(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise exceptions.NotFound(
                _("Page %(number)s does not exist: the last page is %(last)s.")
                % {"number": number, "last": paginator.num_pages}
            ) from None
        rows = list(self.page)
        if personal:
            token = request.auth if isinstance(request.auth, ApiToken) else None
            personal_data_list_record(
                user=request.user,
                model_label=queryset.model._meta.label,
                rows=len(rows),
                page=number,
                page_size=page_size,
                query=request.query_params,
                token_prefix=token.prefix if token else "",
                request=request._request,
            )
        return rows

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": _("Page number, from 1."),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _(
                    "Results per page (default %(default)s, at most %(max)s; lists of personal data: at "
                    "most %(open)s without the export capability)."
                )
                % {
                    "default": self.page_size,
                    "max": self.max_page_size,
                    "open": self.page_size_without_export,
                },
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
