"""What every page of the referent's workspace shares: who may enter, who may act, paging."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.forms.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from partners.accounts.access import get_access, require_capability
from partners.accounts.roles import Capability
from partners.directory.models import Organisation
from partners.pages import errors_to_form

PER_PAGE_CHOICES = (25, 50, 100)

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from partners.accounts.models import User

    class AuthenticatedRequest(HttpRequest):
        """What the pages behind ``staff_required`` receive: a logged-in member."""

        user: User
        htmx: HtmxDetails

else:
    AuthenticatedRequest = HttpRequest


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged in and a member of some centre or chamber (tutors and strangers get a 403)."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not get_access(request.user).can(Capability.VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def visible_centres(user: Any) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=get_access(user).centre_ids).order_by("name"))


def manageable_centre_ids(user: Any) -> frozenset[int]:
    """The ids of the centres where the user may create and change learners and mobilities, read
    from the access already computed for the request: no query."""
    return get_access(user).centres_with(Capability.MANAGE_LEARNERS)


def manageable_centres(user: Any) -> list[Organisation]:
    """The centres where the user may create and change learners and mobilities."""
    return list(Organisation.objects.filter(pk__in=manageable_centre_ids(user)).order_by("name"))


def may_create(user: Any) -> bool:
    """Whether the user manages learners and mobilities in some centre (a page's "New …" button)."""
    return bool(manageable_centre_ids(user))


def can_manage(request: HttpRequest, centre_id: int | None = None) -> bool:
    return get_access(request.user).can(Capability.MANAGE_LEARNERS, centre_id)


def require_manage(request: HttpRequest, centre_id: int) -> None:
    """A read-only colleague may look, not act: 403 before any form is even read."""
    require_capability(request.user, Capability.MANAGE_LEARNERS, centre_id)


def paginate(request: HttpRequest, queryset: Any, per_page: int | None = None) -> Page:
    try:
        size = int(request.GET.get("per_page") or per_page or PER_PAGE_CHOICES[0])
    except ValueError:
        size = PER_PAGE_CHOICES[0]
    if size not in PER_PAGE_CHOICES:
        size = PER_PAGE_CHOICES[0]
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[[], Any],
    saved: Callable[[Any], HttpResponse],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A form page's one rule: on a valid POST the service runs (``save``); what it refuses is shown
    on the fields it names, with a 400; what it saves leads on (``saved``, given what ``save``
    returned). ``context`` is read when the page is shown again, after the form wrote into its instance."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return saved(result)
    return render(
        request, template, {"form": form, **context()}, status=400 if form.is_bound and form.errors else 200
    )


def saved_to(request: HttpRequest, message: str, url_name: str) -> Callable[[Any], HttpResponse]:
    """After a save: ``message`` shown, then the saved object's page (``url_name`` with its pk)."""

    def done(obj: Any) -> HttpResponse:
        messages.success(request, message)
        return redirect(url_name, pk=obj.pk)

    return done
