"""Small helpers shared by the partners pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.forms.forms import BaseForm
from django.http import HttpRequest

from partners.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required`` (with django-htmx's ``htmx`` attribute)."""

    user: User  # type: ignore[assignment]
    htmx: Any


PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names`` (for pagination and sorting links)."""
    params = [(k, v) for k, values in request.GET.lists() for v in values if k not in names and v != ""]
    return urlencode(params)


def fresh(instance: models.Model) -> models.Model:
    """A separate copy of ``instance`` for a form to write into: the service then sees the change
    between the stored row and the submitted data."""
    return type(instance)._default_manager.get(pk=instance.pk)


def errors_to_form(form: BaseForm, error: ValidationError) -> None:
    """Puts a service's validation error on the form, on the named fields when there are any."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
