"""Partnership agreements (memoranda of understanding) and their signed copies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.agreements import selectors, services
from partners.agreements.forms import AgreementFilterForm, AgreementForm
from partners.agreements.models import EXPIRY_NOTICE_DAYS
from partners.audit import selectors as audit_selectors
from partners.audit.services import audit_record
from partners.directory import selectors as directory_selectors
from partners.pages import AuthedRequest, errors_to_form, fresh, paginate, query_without
from partners.uploads import serve_private_file


@login_required
def agreement_list(request: AuthedRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agreements = selectors.agreement_list_for_user(
        user=request.user, q=filters.get("q", ""), state=filters.get("state", "")
    )
    context = {
        "form": form,
        "page": paginate(request, agreements),
        "query": query_without(request, "page"),
        "expiring": list(selectors.agreement_expiring_for_user(user=request.user)[:20]),
        "notice_days": EXPIRY_NOTICE_DAYS,
        "can_create": bool(get_access(request.user).orgs_with(Capability.EDIT_PARTNERS)),
        "filtered": any(filters.values()),
    }
    return render(request, "partners/agreement_list.html", context)


@login_required
def agreement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    context = {
        "agreement": agreement,
        "can_edit": selectors.agreement_can_edit(user=request.user, agreement=agreement),
        "history": audit_selectors.history_for(obj=agreement, limit=10),
    }
    return render(request, "partners/agreement_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: AuthedRequest) -> HttpResponse:
    if not get_access(request.user).orgs_with(Capability.EDIT_PARTNERS):
        raise PermissionDenied
    initial = {}
    partner = request.GET.get("partner")
    if partner and partner.isdigit():
        initial["partners"] = directory_selectors.organisation_choices_for_user(user=request.user).filter(
            pk=int(partner)
        )
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agreement = services.agreement_create(
                owner_centre=data.pop("owner_centre"),
                acting_user=request.user,
                data=data,
                partners=data.pop("partners"),
                signed_copy=data.pop("signed_copy", None),
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The agreement has been recorded."))
            return redirect("partners:agreement-detail", pk=agreement.pk)
    return render(request, "partners/agreement_form.html", {"form": form, "agreement": None})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_update(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    if not selectors.agreement_can_edit(user=request.user, agreement=agreement):
        raise PermissionDenied
    form = AgreementForm(
        request.POST or None, request.FILES or None, user=request.user, instance=fresh(agreement)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            _agreement, changed = services.agreement_update(
                agreement=agreement,
                acting_user=request.user,
                data=data,
                partners=data.pop("partners"),
                signed_copy=data.pop("signed_copy", None),
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("The changes have been saved.") if changed else _("Nothing was changed.")
            )
            return redirect("partners:agreement-detail", pk=agreement.pk)
    return render(request, "partners/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
def agreement_signed_copy(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The signed copy, for those who may see the agreement (never a public media URL)."""
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    if not agreement.signed_copy:
        from django.http import Http404

        raise Http404
    audit_record(
        action="agreement.download",
        actor=request.user,
        target=agreement,
        centre_id=agreement.owner_centre_id,
        request=request,
    )
    extension = agreement.signed_copy.name.rsplit(".", 1)[-1].lower()
    filename = f"{slugify(agreement.title)[:60] or 'agreement'}-signed.{extension}"
    return serve_private_file(agreement.signed_copy, filename=filename)


@login_required
def agreement_history(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    page = paginate(request, audit_selectors.history_for(obj=agreement), per_page=50)
    return render(
        request,
        "partners/history.html",
        {
            "object": agreement,
            "page": page,
            "back_url": reverse("partners:agreement-detail", kwargs={"pk": pk}),
        },
    )
