"""Small helpers every staff page shares (the base layer's, and those of the apps above it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.forms.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

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


def errors_to_form(form: BaseForm, error: ValidationError, default_field: str | None = None) -> None:
    """Puts a service's validation error on the form: on the field it names, else on ``default_field``
    (an upload refused for its content belongs to the file field), else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else default_field
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(default_field, message)


def staff_user(request: HttpRequest) -> User:
    """The signed-in person (every staff view is behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def redirect_back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (``next``, a local address only), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal, shown as messages on the next page."""
    for message in error.messages:
        messages.error(request, message)
