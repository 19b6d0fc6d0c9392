"""Groups: one departure planned for many learners, then each member's host and tutor adjusted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from mobility.groups import selectors, services
from mobility.groups.forms import GroupForm, GroupMemberForm, GroupMembersForm
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import MobilityGroup
from mobility.site.staff import (
    AuthenticatedRequest,
    can_manage,
    form_page,
    manageable_centres,
    may_create,
    paginate,
    require_manage,
    saved_to,
    staff_required,
    visible_centres,
)
from partners.directory.models import Contact, Organisation
from partners.pages import errors_to_form
from partners.widgets import PICKER_LIMIT


def _errors_to_forms(exc: ValidationError, *forms: Any) -> None:
    """A service error goes to the form that has the field it names (the first form otherwise)."""
    if not hasattr(exc, "error_dict"):
        errors_to_form(forms[0], exc)
        return
    for name, errors in exc.error_dict.items():
        target = next((f for f in forms if name in f.fields), forms[0])
        errors_to_form(target, ValidationError({name: errors}))


@staff_required
@require_safe
def group_list(request: AuthenticatedRequest) -> HttpResponse:
    groups = selectors.group_list_for_user(user=request.user)
    search = request.GET.get("q", "").strip()
    for word in search.split()[:5]:
        groups = groups.filter(Q(name__icontains=word) | Q(host_city__icontains=word))
    if request.GET.get("when") == "past":
        groups = groups.filter(planned_end__lt=timezone.localdate()).order_by("-planned_start")
    elif request.GET.get("when") != "all":
        groups = groups.filter(planned_end__gte=timezone.localdate()).order_by("planned_start")
    return render(
        request,
        "mobility/group_list.html",
        {
            "page": paginate(request, groups),
            "search": search,
            "when": request.GET.get("when") or "upcoming",
            "show_centre": len(visible_centres(request.user)) > 1,
            "can_create": may_create(request.user),
        },
    )


def _chosen_centre(request: AuthenticatedRequest, centres: list[Organisation]) -> Organisation:
    wanted = request.POST.get("centre") or request.GET.get("centre")
    return next((c for c in centres if str(c.pk) == str(wanted)), centres[0])


@staff_required
def group_create(request: AuthenticatedRequest) -> HttpResponse:
    centres = manageable_centres(request.user)
    if not centres:
        raise PermissionDenied
    centre = _chosen_centre(request, centres)
    data = request.POST if request.method == "POST" else None
    form = GroupForm(data, user=request.user, centres=centres, initial={"centre": centre.pk})
    members = GroupMembersForm(data, user=request.user, centre_ids=[centre.pk])
    valid = request.method == "POST" and form.is_valid()
    valid = request.method == "POST" and members.is_valid() and valid
    if valid:
        try:
            group = services.group_create(
                centre=form.cleaned_data.get("centre") or centre,
                data=form.service_data(),
                participants=list(members.cleaned_data["participants"]),
                host_organisation=members.cleaned_data.get("host_organisation"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            _errors_to_forms(exc, form, members)
        else:
            messages.success(
                request,
                _("Group “%(name)s” planned: %(count)s mobilities created.")
                % {"name": group.name, "count": len(members.cleaned_data["participants"])},
            )
            return redirect("mobility:group-detail", pk=group.pk)
    return render(
        request,
        "mobility/group_form.html",
        {"form": form, "members": members, "group": None, "centre": centre, "centres": centres},
        status=400 if request.method == "POST" else 200,
    )


def _group_page(
    request: AuthenticatedRequest, group: MobilityGroup, *, status: int = 200, errors: dict | None = None
) -> HttpResponse:
    """The group and its members; each member's host and tutor can be changed on the spot.

    Hosts offered are those of the group's country (the group's city first), so that the page stays
    light however large the directory; any other host is chosen on the mobility's own form. When
    the country has more than PICKER_LIMIT of them, each member's host is found by typing instead.
    """
    members = list(group.mobilities.all())
    manage = can_manage(request, group.centre_id)
    hosts: list[Organisation] = []
    hosts_partial = False
    tutors: dict[Any, list[Contact]] = defaultdict(list)
    if manage:
        hosts = list(
            mobilities_selectors.directory_for_user(user=request.user, kinds=mobilities_selectors.HOST_KINDS)
            .filter(country=group.host_country)
            .annotate(
                same_city=Case(
                    When(city__iexact=group.host_city, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("same_city", "name")[: PICKER_LIMIT + 1]
        )
        if len(hosts) > PICKER_LIMIT:
            hosts, hosts_partial = [], True
        host_ids = {h.pk for h in hosts} | {m.host_organisation_id for m in members if m.host_organisation_id}
        for contact in Contact.objects.filter(organisation_id__in=host_ids, is_tutor=True).order_by(
            "last_name", "first_name"
        ):
            tutors[contact.organisation_id].append(contact)
        known = {h.pk for h in hosts}
        hosts += [
            m.host_organisation
            for m in members
            if m.host_organisation is not None and m.host_organisation_id not in known
        ]
    rows = []
    for mobility in members:
        failed = (errors or {}).get(mobility.pk) or {}
        host_id = failed.get("host", mobility.host_organisation_id)
        rows.append(
            {
                "mobility": mobility,
                "host_id": host_id,
                "tutor_id": failed.get("tutor", mobility.host_tutor_id),
                "tutors": tutors.get(host_id, []),
                "host": mobility.host_organisation if host_id == mobility.host_organisation_id else None,
                "errors": failed.get("messages"),
            }
        )
    return render(
        request,
        "mobility/group_detail.html",
        {
            "group": group,
            "rows": rows,
            "hosts": list(dict.fromkeys(hosts)),
            "hosts_partial": hosts_partial,
            "can_manage": manage,
            "accompanying": [line for line in group.accompanying_persons.splitlines() if line.strip()],
            "statuses": _status_counts(members),
        },
        status=status,
    )


def _status_counts(members: list[Any]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    labels = {}
    for m in members:
        counts[m.status] += 1
        labels[m.status] = m.get_status_display()
    return [(code, labels[code], n) for code, n in counts.items()]


@staff_required
@require_safe
def group_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    return _group_page(request, group)


@staff_required
def group_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    require_manage(request, group.centre_id)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        instance=group,
        user=request.user,
        centres=[group.centre],
    )
    return form_page(
        request,
        form,
        save=lambda: services.group_update(
            group=group, data=form.service_data(), acting_user=request.user, request=request
        ),
        saved=saved_to(
            request,
            _("The group has been saved; new dates and destination apply to members not yet under way."),
            "mobility:group-detail",
        ),
        template="mobility/group_form.html",
        context=lambda: {"group": selectors.group_get_for_user(user=request.user, pk=pk)},
    )


@staff_required
def group_add_members(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    require_manage(request, group.centre_id)
    existing = [m.participant_id for m in group.mobilities.all()]
    form = GroupMembersForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        centre_ids=[group.centre_id],
        exclude_ids=existing,
        group_id=group.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.group_add_participants(
                group=group,
                participants=list(form.cleaned_data["participants"]),
                host_organisation=form.cleaned_data.get("host_organisation"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s participant added to the group.",
                    "%(count)s participants added to the group.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("mobility:group-detail", pk=group.pk)
    return render(
        request,
        "mobility/group_add_members.html",
        {"group": group, "members": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
@require_POST
def group_member(request: AuthenticatedRequest, pk: int, mobility_pk: int) -> HttpResponse:
    """Changes one member's host organisation and tutor."""
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    require_manage(request, group.centre_id)
    mobility = next((m for m in group.mobilities.all() if m.pk == int(mobility_pk)), None)
    if mobility is None:
        raise Http404
    form = GroupMemberForm(
        request.POST,
        user=request.user,
        mobility=mobility,
        host_queryset=mobilities_selectors.directory_for_user(
            user=request.user, kinds=mobilities_selectors.HOST_KINDS
        ),
    )
    if form.is_valid():
        try:
            mobilities_services.mobility_update(
                mobility=mobility,
                data={
                    "host_organisation": form.cleaned_data.get("host_organisation"),
                    "host_tutor": form.cleaned_data.get("host_tutor"),
                },
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("%(name)s: host and tutor saved.") % {"name": mobility.participant.full_name}
            )
            return redirect(reverse("mobility:group-detail", args=[group.pk]) + f"#member-{mobility.pk}")
    group = selectors.group_get_for_user(user=request.user, pk=pk)

    def posted_id(name: str) -> int | None:
        value = request.POST.get(form.add_prefix(name), "")
        return int(value) if value.isdigit() else None

    failed = {
        "messages": [str(e) for field_errors in form.errors.values() for e in field_errors],
        "host": posted_id("host_organisation"),
        "tutor": posted_id("host_tutor"),
    }
    return _group_page(request, group, status=400, errors={mobility.pk: failed})


#: How many of those an action could not reach are named one by one (the rest are counted).
NAMED = 12


def _report(request: AuthenticatedRequest, summary: str, outcome: services.BulkOutcome) -> None:
    """The outcome of a group-wide action: how many, then who was left out and why."""
    (messages.success if outcome.done or not outcome.refused else messages.warning)(request, summary)
    for who, why in outcome.refused[:NAMED]:
        messages.warning(request, _("%(who)s: %(why)s") % {"who": who, "why": why})
    if len(outcome.refused) > NAMED:
        messages.warning(
            request, _("… and %(count)s more, on their own pages.") % {"count": len(outcome.refused) - NAMED}
        )


@staff_required
@require_POST
def group_send_links(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every member's tutor and learner who has not had their link yet receives it."""
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    require_manage(request, group.centre_id)
    outcome = services.group_send_links(group=group, acting_user=request.user, request=request)
    _report(
        request,
        _("Links sent: %(sent)s. Already sent before: %(already)s. Not sent: %(refused)s.")
        % {"sent": len(outcome.done), "already": len(outcome.already), "refused": len(outcome.refused)},
        outcome,
    )
    return redirect("mobility:group-detail", pk=group.pk)


@staff_required
@require_POST
def group_confirm_all(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every member that can be confirmed is; the others are named with what stands in the way."""
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    require_manage(request, group.centre_id)
    outcome = services.group_confirm_all(group=group, acting_user=request.user, request=request)
    _report(
        request,
        _("Confirmed: %(done)s. Already confirmed: %(already)s. Not confirmed: %(refused)s.")
        % {"done": len(outcome.done), "already": len(outcome.already), "refused": len(outcome.refused)},
        outcome,
    )
    return redirect("mobility:group-detail", pk=group.pk)
