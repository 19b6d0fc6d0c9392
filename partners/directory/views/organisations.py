"""The partner directory: list, detail, create, edit, merge, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.agreements import selectors as agreements_selectors
from partners.audit import selectors as audit_selectors
from partners.directory import merge as directory_merge
from partners.directory import selectors, services
from partners.directory.forms import OrganisationFilterForm, OrganisationForm
from partners.directory.models import ORGANISATION_FIELDS, Organisation
from partners.pages import AuthedRequest, errors_to_form, errors_to_messages, fresh, paginate, query_without

SORTABLE = [
    ("name", gettext_lazy("Name")),
    ("kind", gettext_lazy("Kind")),
    ("city", gettext_lazy("City")),
    ("country", gettext_lazy("Country")),
]


@login_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "name"
    organisations = selectors.organisation_list_for_user(
        user=request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        country=filters.get("country", ""),
        sector=filters.get("sector", ""),
        sort=sort,
        quality=filters.get("quality", ""),
    )
    page = paginate(request, organisations)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sortable": SORTABLE,
        "query": query_without(request, "page"),
        "sort_query": query_without(request, "page", "sort"),
        "can_create": bool(selectors.creatable_kinds_for(user=request.user)),
        "filtered": any(filters.get(k) for k in ("q", "kind", "country", "sector", "quality")),
    }
    template = "partners/_organisation_results.html" if request.htmx else "partners/organisation_list.html"
    return render(request, template, context)


@login_required
def organisation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    contacts = selectors.contact_list_for_organisation(user=request.user, organisation=organisation)
    context = {
        "organisation": organisation,
        "contacts": contacts,
        "agreements": agreements_selectors.agreement_list_for_organisation(
            user=request.user, organisation=organisation
        ),
        "children": organisation.children.order_by("name"),
        "history": audit_selectors.history_for(obj=organisation, limit=10),
        "can_edit": selectors.organisation_can_edit(user=request.user, organisation=organisation),
        "can_add_contact": selectors.contact_can_add(user=request.user, organisation=organisation),
        "can_add_agreement": bool(access.orgs_with(Capability.EDIT_PARTNERS)),
        "can_merge": organisation.is_directory_entry
        and access.can(
            Capability.MERGE_ORGANISATIONS, organisation.owner_centre_id or organisation.network_id
        ),
    }
    return render(request, "partners/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthedRequest) -> HttpResponse:
    if not selectors.creatable_kinds_for(user=request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    form = OrganisationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organisation = services.organisation_create(
                acting_user=request.user,
                data=data,
                owner_centre=data.pop("owner_centre", None),
                confirm_duplicate=data.pop("confirm_duplicate", False),
                request=request,
            )
        except services.DuplicateOrganisation as exc:
            form.show_duplicates(exc.matches, blocking=bool(exc.blocking))
            errors_to_form(form, exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s has been added to the directory.") % {"name": organisation})
            return redirect("partners:organisation-detail", pk=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_update(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    if not selectors.organisation_can_edit(user=request.user, organisation=organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, user=request.user, instance=fresh(organisation))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = data.pop("confirm_duplicate", False)
        try:
            _org, changed = services.organisation_update(
                organisation=organisation,
                acting_user=request.user,
                data=data,
                confirm_duplicate=confirm,
                request=request,
            )
        except services.DuplicateOrganisation as exc:
            form.show_duplicates(exc.matches, blocking=bool(exc.blocking))
            errors_to_form(form, exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if changed:
                messages.success(request, _("The changes have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("partners:organisation-detail", pk=organisation.pk)
    return render(request, "partners/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """Merges a duplicate into this organisation: pick the duplicate, compare, confirm."""
    keep = selectors.organisation_get_for_user(user=request.user, pk=pk)
    access = get_access(request.user)
    if not keep.is_directory_entry or not access.can(
        Capability.MERGE_ORGANISATIONS, keep.owner_centre_id or keep.network_id
    ):
        raise PermissionDenied
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    if other_id:
        try:
            other = selectors.organisation_get_for_user(user=request.user, pk=int(other_id))
        except (ValueError, Http404):
            other = None
            messages.error(request, _("Choose the duplicate record in the list."))
        if other is not None and not selectors.organisation_can_merge(
            user=request.user, keep=keep, other=other
        ):
            messages.error(request, _("These two records cannot be merged by you."))
            other = None
    if request.method == "POST" and other is not None and request.POST.get("confirm") == "yes":
        try:
            result = directory_merge.organisation_merge(
                keep=keep, other=other, acting_user=request.user, request=request
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(other)s has been merged into %(keep)s.") % {"other": other, "keep": result.organisation},
            )
            return redirect("partners:organisation-detail", pk=keep.pk)
    candidates = [
        m.organisation
        for m in selectors.organisation_possible_duplicates(
            network_id=keep.network_id,
            name=keep.name,
            city=keep.city,
            oid=keep.oid,
            national_id=keep.national_id,
            exclude_pk=keep.pk,
        )
        if m.organisation.is_directory_entry
    ]
    q = (request.GET.get("q") or "").strip()
    found = []
    if q:
        found = [
            o
            for o in selectors.organisation_list_for_user(user=request.user, q=q)[:20]
            if o.pk != keep.pk and o.is_directory_entry
        ]
    rows = []
    if other is not None:
        for name in ORGANISATION_FIELDS:
            kept, dup = _display(keep, name), _display(other, name)
            if dup and not kept and name in directory_merge._MERGE_FILL:
                fate = "copied"
            elif dup and dup != kept and (name in directory_merge._MERGE_NOTED or name in ("name", "notes")):
                fate = "noted"
            else:
                fate = ""
            rows.append((directory_merge._verbose_name(name), kept, dup, fate))
    context = {
        "organisation": keep,
        "other": other,
        "rows": rows,
        "candidates": candidates,
        "found": found,
        "q": q,
        "other_contacts": other.contacts.count() if other else 0,
    }
    return render(request, "partners/organisation_merge.html", context)


def _display(org: Organisation, name: str) -> str:
    display = getattr(org, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(org, name)
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(getattr(value, "name", value)) if name == "country" else str(value)


@login_required
def organisation_history(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    page = paginate(request, audit_selectors.history_for(obj=organisation), per_page=50)
    return render(
        request,
        "partners/history.html",
        {"object": organisation, "page": page, "back_url": organisation_url(organisation)},
    )


def organisation_url(organisation: Organisation) -> str:
    from django.urls import reverse

    return reverse("partners:organisation-detail", kwargs={"pk": organisation.pk})
