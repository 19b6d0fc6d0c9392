"""The referent's incident pages of a mobility: the list with the form to record one, and following one up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobility.care import selectors
from mobility.care import services as care
from mobility.care.forms import IncidentForm
from mobility.mobilities.selectors import mobility_get_for_user
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation
from partners.pages import errors_to_form, errors_to_messages, staff_user


@login_required
@require_http_methods(["GET", "POST"])
def incidents(request: HttpRequest, pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    can_manage = get_access(request.user).can(Capability.MANAGE_LEARNERS, mobility.centre_id)
    form = IncidentForm(request.POST or None, initial={"place": mobility.host_city})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                incident = care.incident_record(
                    mobility=mobility,
                    data=form.cleaned_data,
                    acting_user=staff_user(request),
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if incident.notified_at:
                    messages.warning(
                        request,
                        _(
                            "Serious incident recorded: the centre's referents and administrators are being e-mailed."
                        ),
                    )
                else:
                    messages.success(request, _("The incident is recorded."))
                return redirect("care:incidents", pk=mobility.pk)
    return render(
        request,
        "care/incidents.html",
        {"mobility": mobility, "incidents": selectors.incidents_of(mobility=mobility), "form": form,
         "can_manage": can_manage, "minor": mobility.participant.is_minor_on(mobility.start)},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int, incident_pk: int) -> HttpResponse:
    mobility = mobility_get_for_user(user=request.user, pk=pk)
    incident = selectors.incidents_of(mobility=mobility).filter(pk=incident_pk).first()
    if incident is None:
        raise Http404
    if not get_access(request.user).can(Capability.MANAGE_LEARNERS, mobility.centre_id):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            care.incident_update(incident=incident, data=form.cleaned_data, close=bool(request.POST.get("close")),
                                 acting_user=staff_user(request), request=request)  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The incident is updated."))
            return redirect("care:incidents", pk=mobility.pk)
    return render(
        request, "care/incident_edit.html", {"mobility": mobility, "incident": incident, "form": form}
    )


# --- Who is abroad now ------------------------------------------------------------------------
def _abroad_filters(request: HttpRequest) -> dict[str, Any]:
    centre = request.GET.get("centre", "")
    return {
        "centre_id": int(centre) if centre.isdigit() else None,
        "country": request.GET.get("country", "").strip()[:2],
        "town": request.GET.get("town", "").strip()[:100],
    }


@login_required
@require_GET
def abroad_now(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    if not access.centre_ids:
        raise Http404
    filters = _abroad_filters(request)
    rows = selectors.abroad_now_for_user(user=request.user, **filters)
    care.abroad_now_read(user=staff_user(request), rows=rows, filters=filters, via="page", request=request)
    centres = Organisation.objects.filter(pk__in=access.centre_ids).order_by("name")
    return render(
        request,
        "care/abroad_now.html",
        {"rows": rows, "filters": filters, "centres": centres if len(access.centre_ids) > 1 else [],
         "abroad": [r for r in rows if r.abroad], "leaving": [r for r in rows if not r.abroad],
         "today": timezone.localdate(), "print": request.GET.get("print") == "1"},
    )  # fmt: skip


@login_required
@require_POST
def emergency_sheet(request: HttpRequest) -> HttpResponse:
    """The emergency sheet (PDF) of the list as filtered: an export job a worker renders."""
    from mobility.data.exports.jobs import export_job_request
    from mobility.data.models import ExportKind, FileFormat

    if not get_access(request.user).centre_ids:
        raise Http404
    filters = {
        "centre_id": int(request.POST["centre"]) if request.POST.get("centre", "").isdigit() else None,
        "country": request.POST.get("country", "").strip()[:2],
        "town": request.POST.get("town", "").strip()[:100],
    }  # fmt: skip
    try:
        job = export_job_request(user=staff_user(request), kind=ExportKind.EMERGENCY, file_format=FileFormat.PDF,
                                 params=filters, scope_label=_("Who is abroad now"), request=request)  # fmt: skip
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("care:abroad_now")
    return redirect("data:export-detail", pk=job.pk)
