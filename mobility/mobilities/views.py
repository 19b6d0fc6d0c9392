"""The referent's pages for mobilities: list, detail (the page every section hangs on), create, edit, status."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from mobility.agreements import guidance
from mobility.agreements import selectors as agreements_selectors
from mobility.agreements import services as agreements_services
from mobility.agreements import translation as agreement_translation
from mobility.agreements.forms import SignatureForm
from mobility.agreements.models import Party
from mobility.catalogue import selectors as catalogue_selectors
from mobility.catalogue.models import Step
from mobility.documents import selectors as documents_selectors
from mobility.groups import selectors as groups_selectors
from mobility.learners import selectors as learners_selectors
from mobility.mobilities import selectors, services, subforms
from mobility.mobilities.forms import MobilityFilterForm, MobilityForm, TransitionForm
from mobility.mobilities.history import describe
from mobility.mobilities.models import MobilityStatus
from mobility.projects import selectors as projects_selectors
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
from partners.pages import errors_to_form

#: How the action leading to each status is worded on its button.
TRANSITION_LABELS: dict[str, Any] = {
    MobilityStatus.DRAFT: gettext_lazy("Back to draft"),
    MobilityStatus.PLANNED: gettext_lazy("Plan"),
    MobilityStatus.CONFIRMED: gettext_lazy("Confirm"),
    MobilityStatus.IN_PROGRESS: gettext_lazy("Mark as started"),
    MobilityStatus.COMPLETED: gettext_lazy("Mark as completed"),
    MobilityStatus.EVALUATED: gettext_lazy("Mark as evaluated"),
    MobilityStatus.CERTIFIED: gettext_lazy("Mark as certified"),
    MobilityStatus.CANCELLED: gettext_lazy("Cancel the mobility"),
    MobilityStatus.INTERRUPTED: gettext_lazy("Interrupt"),
}

#: Going back is worded for what it undoes.
BACK_LABELS: dict[tuple[str, str], Any] = {
    (MobilityStatus.CONFIRMED, MobilityStatus.PLANNED): gettext_lazy("Back to planned"),
    (MobilityStatus.COMPLETED, MobilityStatus.IN_PROGRESS): gettext_lazy("Reopen"),
    (MobilityStatus.INTERRUPTED, MobilityStatus.IN_PROGRESS): gettext_lazy("Resume"),
    (MobilityStatus.EVALUATED, MobilityStatus.COMPLETED): gettext_lazy("Back to completed"),
    (MobilityStatus.CANCELLED, MobilityStatus.DRAFT): gettext_lazy("Restore as a draft"),
}

#: The usual next step from each status (its button stands out; going back is secondary).
FORWARD: dict[str, str] = {
    MobilityStatus.DRAFT: MobilityStatus.PLANNED,
    MobilityStatus.PLANNED: MobilityStatus.CONFIRMED,
    MobilityStatus.CONFIRMED: MobilityStatus.IN_PROGRESS,
    MobilityStatus.IN_PROGRESS: MobilityStatus.COMPLETED,
    MobilityStatus.COMPLETED: MobilityStatus.EVALUATED,
    MobilityStatus.INTERRUPTED: MobilityStatus.EVALUATED,
    MobilityStatus.EVALUATED: MobilityStatus.CERTIFIED,
    MobilityStatus.CANCELLED: MobilityStatus.DRAFT,
}

NEEDS_REASON = subforms.NEEDS_REASON


def mobility_list_context(
    request: AuthenticatedRequest, *, groups: bool = True, fixed: dict | None = None
) -> dict[str, Any]:
    """The filter form and the page of mobilities, shared by the list and the project page."""
    user = request.user
    centres = visible_centres(user)
    form = MobilityFilterForm(
        request.GET,
        centres=centres,
        projects=list(projects_selectors.project_list_for_user(user=user)),
        activities=list(catalogue_selectors.activity_type_list_for_user(user=user, include_inactive=True)),
        countries_used=selectors.mobility_countries_for_user(user=user),
        groups=list(groups_selectors.group_choices_for_user(user=user)) if groups else None,
    )
    filters = form.filters()
    if fixed:
        filters = selectors.MobilityFilters(**{**filters.__dict__, **fixed})
    sort = request.GET.get("sort") or "-start"
    page = paginate(
        request,
        selectors.mobility_rows(selectors.mobility_list_for_user(user=user, filters=filters, ordering=sort)),
    )
    return {
        "page": page,
        "filter_form": form,
        "default_sort": "-start",
        "show_centre": len(centres) > 1,
        "filtered": any(v for k, v in filters.__dict__.items() if k not in (fixed or {})),
    }


@staff_required
@require_safe
def mobility_list(request: AuthenticatedRequest) -> HttpResponse:
    context = mobility_list_context(request)
    context["can_create"] = may_create(request.user)
    return render(request, "mobility/mobility_list.html", context)


@staff_required
def mobility_create(request: AuthenticatedRequest) -> HttpResponse:
    centres = manageable_centres(request.user)
    if not centres:
        raise PermissionDenied
    participant = None
    if request.GET.get("participant"):
        participant = learners_selectors.learner_get_for_user(
            user=request.user, pk=request.GET["participant"]
        )
    form = MobilityForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        centres=centres,
        participant=participant,
    )

    def saved(mobility: Any) -> HttpResponse:
        messages.success(
            request,
            _("Mobility %(reference)s created, with its checklist and follow-up schedule.")
            % {"reference": mobility.reference},
        )
        return redirect("mobility:mobility-detail", pk=mobility.pk)

    return form_page(
        request,
        form,
        save=lambda: services.mobility_create(
            centre=form.cleaned_data["participant"].centre,
            data=form.service_data(),
            acting_user=request.user,
            request=request,
        ),
        saved=saved,
        template="mobility/mobility_form.html",
        context=lambda: {"mobility": None},
    )


@staff_required
def mobility_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = MobilityForm(
        request.POST if request.method == "POST" else None,
        instance=mobility,
        user=request.user,
        centres=[mobility.centre],
    )
    return form_page(
        request,
        form,
        save=lambda: services.mobility_update(
            mobility=mobility, data=form.service_data(), acting_user=request.user, request=request
        ),
        saved=saved_to(request, _("The changes have been saved."), "mobility:mobility-detail"),
        template="mobility/mobility_form.html",
        context=lambda: {"mobility": selectors.mobility_get_for_user(user=request.user, pk=pk)},
    )


def _transition_hint(mobility: Any, target: str) -> str:
    """Why a move the workflow allows cannot be made yet (the service says the same if tried)."""
    from django.utils import timezone

    if target == MobilityStatus.IN_PROGRESS and mobility.status == MobilityStatus.CONFIRMED:
        if mobility.start > timezone.localdate():
            return _("Starts on %(date)s; it will be marked as started that day.") % {
                "date": mobility.start.strftime("%d/%m/%Y")
            }
    if target == MobilityStatus.EVALUATED:
        evaluation = mobility.evaluation_rows.get("tutor")
        if evaluation is None or evaluation.status != "validated":
            return _("Awaits the host tutor's evaluation, validated by the referent.")
    return ""


def _sign_rows(agreement: Any, mobility: Any, overrides: dict[str, SignatureForm]) -> list[dict[str, Any]]:
    """One row per party that signs this version: their signature, or the link to the form that
    records it (the form itself when it came back with an error)."""
    if agreement is None:
        return []
    signed = {s.party: s for s in agreement.signatures.all()}
    return [
        {
            "party": party,
            "label": Party(party).label,
            "signature": signed.get(party),
            "form": overrides.get(party),
            "url": subforms.url(mobility, f"sign-{party}"),
        }
        for party in agreements_services.agreement_required_parties(agreement=agreement)
    ]


def _transition_label(mobility: Any, target: str) -> Any:
    return BACK_LABELS.get((mobility.status, target)) or TRANSITION_LABELS.get(target, target)


def _translation_context(agreement: Any, mobility: Any) -> dict[str, Any]:
    """The agreement's translations for the page's section, and the language the host tutor reads."""
    if agreement is None:
        return {"translation_states": []}
    tutor = mobility.host_tutor
    own = agreement_translation.base_language(agreement.language)
    wanted = agreement_translation.base_language(tutor.preferred_language) if tutor else ""
    codes = dict(agreement_translation.translation_languages())
    return {
        "translation_states": agreement_translation.translation_states(agreement=agreement),
        "tutor_translation": (wanted, codes[wanted]) if wanted in codes and wanted != own else None,
    }


def mobility_page(
    request: AuthenticatedRequest, mobility: Any, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The mobility page; a failed inline form comes back in ``forms`` with what was typed."""
    manage = can_manage(request, mobility.centre_id)
    agreement = mobility.agreement
    versions = list(mobility.agreements.all())  # prefetched with the mobility, latest first
    steps: OrderedDict[str, dict[str, Any]] = OrderedDict(
        (code, {"label": label, "items": []}) for code, label in Step.choices
    )
    for item in mobility.checklist_rows:
        steps.setdefault(item.step, {"label": item.step, "items": []})["items"].append(item)
    overdue = sum(1 for item in mobility.checklist_rows if item.is_overdue)
    # a small catalogue, read once, saying which types this mobility's activity requires
    document_types = list(catalogue_selectors.document_type_list(required_by=mobility.activity_type_id))
    missing = documents_selectors.missing_documents(
        mobility=mobility,
        documents=mobility.document_rows,
        required=[t for t in document_types if t.required],
    )
    blockers = (
        services.confirmation_blockers(mobility=mobility, agreement=agreement, documents_missing=missing)
        if mobility.status in (MobilityStatus.DRAFT, MobilityStatus.PLANNED)
        else []
    )
    entries = selectors.mobility_history(mobility=mobility, agreement_ids=[v.pk for v in versions])
    history = describe(
        entries,
        checklist={str(i.pk): i for i in mobility.checklist_rows},
        document_types={t.code: t.label for t in document_types},
        evaluations={str(e.pk): e.kind for e in mobility.evaluation_rows.values()},
    )
    transitions = []
    for target in services.TRANSITIONS.get(mobility.status, ()):
        hint = _transition_hint(mobility, target)
        transitions.append(
            {
                "status": target,
                "label": _transition_label(mobility, target),
                "needs_reason": target in NEEDS_REASON,
                "primary": FORWARD.get(mobility.status) == target,
                "hint": hint,
                "blocked": bool(hint) or (target == MobilityStatus.CONFIRMED and bool(blockers)),
                "form": forms.get(f"transition_{target}")
                or (None if target in NEEDS_REASON else subforms.transition_form(target)),
                "url": subforms.url(mobility, f"to-{target}"),
            }
        )
    # the outbox's latest messages, shown below and counted by the outside panel
    mobility.email_rows = selectors.mobility_emails(mobility=mobility)
    context = {
        "mobility": mobility,
        "learner": mobility.participant,
        "can_manage": manage,
        "agreement": agreement,
        "versions": versions,
        "signature_rows": _sign_rows(agreement, mobility, forms.get("sign_forms") or {}),
        "missing_parties": agreements_services.agreement_missing_parties(agreement=agreement)
        if agreement
        else [],
        "advice": guidance.agreement_advice(agreement=agreement, mobility=mobility) if agreement else [],
        **_translation_context(agreement, mobility),
        "steps": steps,
        "overdue_count": overdue,
        "missed_count": sum(1 for f in mobility.followup_rows if f.is_missed),
        "missing_documents": missing,
        "blockers": blockers,
        "transitions": [t for t in transitions if not t["needs_reason"]],
        "reason_transitions": [t for t in transitions if t["needs_reason"]],
        "history": history,
        "emails": mobility.email_rows,
        "is_minor": mobility.participant.is_minor_on(mobility.planned_start),
        "transition_error": forms.get("transition_error"),
    }
    if manage:
        # the sub-forms are drawn when their section is opened (``subforms``), unless one came
        # back with an error or, for a document, the section opens by itself on a missing one
        context["checklist_form"] = forms.get("checklist_form")
        followup_form = forms.get("followup_form")
        if followup_form is not None:
            subforms.choices_from(
                followup_form.fields["followup"], [f for f in mobility.followup_rows if f.done_on is None]
            )
        context["followup_form"] = followup_form
        document_form = forms.get("document_form")
        if document_form is None and missing:
            document_form = subforms.document_form(missing=missing, document_types=document_types)
        elif document_form is not None:
            subforms.choices_from(document_form.fields["document_type"], document_types)
        context["document_form"] = document_form
    return render(request, "mobility/mobility_detail.html", context, status=status)


@staff_required
@require_safe
def mobility_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility)


@staff_required
@require_safe
def mobility_form(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    """One sub-form of the mobility page, fresh: the fragment htmx puts in its section when it is
    opened, or a page of its own without JavaScript. For those who may fill it in."""
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    template, heading, context = subforms.fragment(
        mobility, name, transition_label=lambda target: _transition_label(mobility, target)
    )
    if request.htmx:
        return render(request, template, context)
    return render(
        request, "mobility/subform_page.html", {**context, "template": template, "heading": heading}
    )


@staff_required
@require_POST
def mobility_transition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    target = request.POST.get("target", "")
    if target not in MobilityStatus.values:
        target = ""
    form = TransitionForm(request.POST, prefix=f"to-{target}")
    if form.is_valid():
        to_status = form.cleaned_data["to_status"]
        try:
            services.mobility_transition(
                mobility=mobility,
                to_status=to_status,
                reason=form.cleaned_data.get("reason") or "",
                force_majeure=bool(form.cleaned_data.get("force_majeure")),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("The mobility is now “%(status)s”.") % {"status": MobilityStatus(to_status).label}
            )
            return redirect("mobility:mobility-detail", pk=mobility.pk)
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(
        request,
        mobility,
        status=400,
        transition_error=form.non_field_errors(),
        **{f"transition_{target}": form},
    )


@staff_required
@require_POST
def mobility_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Records one party's signature of the current version of the learning agreement."""
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    agreement = agreements_selectors.agreement_current(mobility=mobility)
    party = request.POST.get("party", "")
    if agreement is None or party not in Party.values:
        messages.error(request, _("There is no learning agreement to sign yet."))
        return redirect(reverse("mobility:mobility-detail", args=[pk]) + "#agreement")
    form = SignatureForm(request.POST, request.FILES, prefix=f"sign-{party}")
    if form.is_valid():
        try:
            agreements_services.agreement_sign(
                agreement=agreement,
                party=party,
                signer_name=form.cleaned_data["signer_name"],
                method=form.cleaned_data["method"],
                scan=form.cleaned_data.get("scan"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, default_field="scan" if form.cleaned_data.get("scan") else None)
        else:
            messages.success(
                request,
                _("Signature recorded for the %(party)s.") % {"party": str(Party(party).label).lower()},
            )
            return redirect(reverse("mobility:mobility-detail", args=[pk]) + "#agreement")
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, sign_forms={party: form})


@staff_required
@require_GET
def contact_options(request: AuthenticatedRequest) -> HttpResponse:
    """The <option>s of a dependent contact list: the tutors of a host, the contacts of an employer."""
    role = request.GET.get("role", "tutor")
    organisation_id: Any = (
        request.GET.get("organisation") or request.GET.get("host_organisation") or request.GET.get("employer")
    )
    if organisation_id is None:
        # A group page names its fields per member: m12-host_organisation.
        organisation_id = next((v for k, v in request.GET.items() if k.endswith("host_organisation")), None)
    contacts = selectors.contacts_for_user(
        user=request.user,
        organisation_id=organisation_id,
        tutors_only=role == "tutor",
    )
    return render(request, "mobility/_contact_options.html", {"contacts": contacts, "role": role})
