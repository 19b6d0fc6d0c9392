"""The referent's actions on checklist tasks and follow-ups, answered in place on the mobility's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.views import mobility_page
from mobility.site.staff import AuthenticatedRequest, require_manage, staff_required
from mobility.tracking import selectors, services
from mobility.tracking.forms import ChecklistAddForm, FollowUpForm
from partners.pages import errors_to_form


def back_to_mobility(pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("mobility:mobility-detail", args=[pk]) + f"#{anchor}")


# --- Checklist --------------------------------------------------------------------------------
@staff_required
@require_POST
def checklist_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = selectors.checklist_item_get_for_user(user=request.user, pk=pk)
    require_manage(request, item.mobility.centre_id)
    item = services.checklist_item_set_done(
        item=item, done=request.POST.get("done") == "1", acting_user=request.user, request=request
    )
    if request.htmx:
        item = selectors.checklist_item_get_for_user(user=request.user, pk=pk)
        return render(request, "mobility/_checklist_item.html", {"item": item, "can_manage": True})
    return back_to_mobility(item.mobility_id, f"task-{item.pk}")


@staff_required
@require_POST
def checklist_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = ChecklistAddForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_add(mobility=mobility, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The task has been added."))
            return back_to_mobility(mobility.pk, "checklist")
    mobility = mobilities_selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, checklist_form=form)


# --- Follow-ups -------------------------------------------------------------------------------
@staff_required
@require_POST
def followup_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = FollowUpForm(request.POST, mobility=mobility)
    if form.is_valid():
        data = {
            k: form.cleaned_data.get(k)
            for k in ("done_on", "channel", "notes", "wellbeing", "needs_attention")
        }
        data["notes"] = data["notes"] or ""
        try:
            services.followup_record(
                mobility=mobility,
                followup=form.cleaned_data.get("followup"),
                data=data,
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The follow-up has been recorded."))
            return back_to_mobility(mobility.pk, "followups")
    mobility = mobilities_selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, followup_form=form)
