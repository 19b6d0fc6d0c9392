"""People of an organisation: host tutors, employer contacts, reference persons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.audit import selectors as audit_selectors
from partners.directory import selectors, services
from partners.directory.forms import ContactForm
from partners.directory.models import SPOKEN_LANGUAGES
from partners.pages import AuthedRequest, errors_to_form, errors_to_messages, fresh, paginate


@login_required
def contact_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    names = {code: str(label) for code, label in SPOKEN_LANGUAGES}
    context = {
        "contact": contact,
        "languages": ", ".join(names.get(code, code) for code in contact.languages or []),
        "preferred_language": names.get(contact.preferred_language, contact.preferred_language),
        "organisation": contact.organisation,
        "can_edit": selectors.contact_can_edit(user=request.user, contact=contact),
        "history": audit_selectors.history_for(obj=contact, limit=10),
    }
    return render(request, "partners/contact_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthedRequest, org_pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=org_pk)
    if not selectors.contact_can_add(user=request.user, organisation=organisation):
        raise PermissionDenied
    initial = {"is_tutor": organisation.kind == "host_company"}
    initial["is_employer_contact"] = organisation.kind == "sending_employer"
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                organisation=organisation, acting_user=request.user, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": contact.full_name})
            if request.POST.get("then") == "another":
                return redirect("partners:contact-create", org_pk=organisation.pk)
            return redirect("partners:organisation-detail", pk=organisation.pk)
    return render(
        request, "partners/contact_form.html", {"form": form, "organisation": organisation, "contact": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_update(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    if not selectors.contact_can_edit(user=request.user, contact=contact):
        raise PermissionDenied
    form = ContactForm(request.POST or None, instance=fresh(contact))
    if request.method == "POST" and form.is_valid():
        try:
            _contact, changed = services.contact_update(
                contact=contact, acting_user=request.user, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("The changes have been saved.") if changed else _("Nothing was changed.")
            )
            return redirect("partners:contact-detail", pk=contact.pk)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "organisation": contact.organisation, "contact": contact},
    )


@login_required
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    if not selectors.contact_can_edit(user=request.user, contact=contact):
        raise PermissionDenied
    try:
        services.contact_delete(contact=contact, acting_user=request.user, request=request)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("partners:contact-detail", pk=contact.pk)
    messages.success(request, _("%(name)s has been removed.") % {"name": contact.full_name})
    return redirect("partners:organisation-detail", pk=contact.organisation_id)


@login_required
def contact_history(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(user=request.user, pk=pk)
    page = paginate(request, audit_selectors.history_for(obj=contact), per_page=50)
    from django.urls import reverse

    return render(
        request,
        "partners/history.html",
        {"object": contact, "page": page, "back_url": reverse("partners:contact-detail", kwargs={"pk": pk})},
    )
