"""The referent's pages for the learning agreement: edit with guidance, a version, a signature's scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from mobility.agreements import guidance, selectors, services, translation
from mobility.agreements.forms import (
    AGREEMENT_FORM_FIELDS,
    AgreementForm,
    AgreementTranslationForm,
    OutcomeFormSet,
)
from mobility.agreements.models import AgreementStatus, LearningAgreement, OutcomeCategory, Party
from mobility.learners.models import Unit
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.models import Mobility
from mobility.site.forms import LANGUAGE_CODES
from mobility.site.staff import AuthenticatedRequest, require_manage, staff_required
from partners.audit.services import audit_record
from partners.pages import errors_to_form
from partners.uploads import serve_private_file

PREFIX = "outcomes"


def _defaults(
    mobility: Mobility, current: LearningAgreement | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the form starts from: the current version, or sensible values for a first draft."""
    if current is not None:
        initial = {name: getattr(current, name) for name in AGREEMENT_FORM_FIELDS}
        initial["units"] = [u.pk for u in current.units.all()]
        rows = [
            {"unit": o.unit_id, "category": o.category, "description": o.description}
            for o in current.outcomes.all()
        ]
        return initial, rows
    language = mobility.participant.preferred_language
    initial = {
        "language": language if language in LANGUAGE_CODES else "fr",
        "placement_language": mobility.main_language,
        "units": [],
    }
    return initial, []


def _posted(data: QueryDict) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What was typed, read back without validating it (to re-show the form with a suggestion added)."""
    initial: dict[str, Any] = {name: data.get(name, "") for name in AGREEMENT_FORM_FIELDS}
    initial["units"] = data.getlist("units")
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", 0)), 40)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        key = f"{PREFIX}-{index}-"
        description = data.get(key + "description", "").strip()
        if description and not data.get(key + "DELETE"):
            rows.append(
                {
                    "unit": data.get(key + "unit") or None,
                    "category": data.get(key + "category") or OutcomeCategory.SKILLS,
                    "description": description,
                }
            )
    return initial, rows


def _apply_suggestion(
    suggestion: str, initial: dict[str, Any], rows: list[dict[str, Any]], advice: guidance.Guidance
) -> None:
    def append(text: str, extra: str) -> str:
        return f"{text.rstrip()}\n\n{extra}" if text.strip() else extra

    if suggestion == "objectives" and advice.objectives:
        initial["objectives"] = append(initial.get("objectives") or "", advice.objectives)
    elif suggestion == "assessment" and advice.assessment:
        initial["assessment_method"] = append(initial.get("assessment_method") or "", advice.assessment)
    elif suggestion.startswith("unit-"):
        for entry in advice.units:
            if f"unit-{entry.unit.pk}" != suggestion:
                continue
            present = {r["description"] for r in rows}
            rows.extend(
                {"unit": entry.unit.pk, "category": OutcomeCategory.SKILLS, "description": text}
                for text in entry.outcomes
                if text not in present
            )
            units = [str(u) for u in initial.get("units") or []]
            if str(entry.unit.pk) not in units:
                initial["units"] = [*units, str(entry.unit.pk)]


@staff_required
def agreement_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    current = selectors.agreement_current(mobility=mobility)
    qualification = mobility.participant.qualification
    units = list(qualification.units.all()) if qualification else []
    unit_qs = qualification.units.all() if qualification else Unit.objects.none()
    instance = current or LearningAgreement(mobility=mobility)
    form_kwargs = {"units": unit_qs}

    if request.method == "POST" and request.POST.get("suggest"):
        initial, rows = _posted(request.POST)
        advice = guidance.agreement_guidance(mobility=mobility, language=initial.get("language"), units=units)
        _apply_suggestion(request.POST["suggest"], initial, rows, advice)
        form = AgreementForm(initial=initial, mobility=mobility, instance=instance)
        formset = OutcomeFormSet(initial=rows, prefix=PREFIX, form_kwargs=form_kwargs)
        status = 200
    elif request.method == "POST":
        form = AgreementForm(request.POST, mobility=mobility, instance=instance)
        formset = OutcomeFormSet(request.POST, prefix=PREFIX, form_kwargs=form_kwargs)
        if form.is_valid() and formset.is_valid():
            outcomes = [
                {
                    "unit": f.cleaned_data.get("unit"),
                    "category": f.cleaned_data.get("category"),
                    "description": f.cleaned_data.get("description", ""),
                }
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("description")
            ]
            try:
                saved = services.agreement_save(
                    mobility=mobility,
                    data=form.service_data(),
                    outcomes=outcomes,
                    units=list(form.cleaned_data["units"]) if "units" in form.fields else None,
                    acting_user=request.user,
                    request=request,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if current is not None and saved.pk != current.pk:
                    messages.success(
                        request,
                        _(
                            "Version %(v)s of the learning agreement has been written; version %(old)s, "
                            "already signed, stays readable. The parties sign the new version."
                        )
                        % {"v": saved.version, "old": current.version},
                    )
                else:
                    messages.success(request, _("The learning agreement has been saved."))
                return redirect(reverse("mobility:mobility-detail", args=[mobility.pk]) + "#agreement")
        status = 400
    else:
        initial, rows = _defaults(mobility, current)
        form = AgreementForm(initial=initial, mobility=mobility, instance=instance)
        formset = OutcomeFormSet(initial=rows, prefix=PREFIX, form_kwargs=form_kwargs)
        status = 200

    language = (
        form.data.get("language") if form.is_bound else form.initial.get("language")
    ) or request.LANGUAGE_CODE
    signed = list(current.signatures.all()) if current is not None else []
    return render(
        request,
        "mobility/agreement_form.html",
        {
            "mobility": mobility,
            "agreement": current,
            "form": form,
            "formset": formset,
            "guidance": guidance.agreement_guidance(mobility=mobility, language=language, units=units),
            "advice": guidance.agreement_advice(agreement=current, mobility=mobility) if current else [],
            "signed": signed,
            "next_version": (current.version + 1) if current is not None else 1,
            "realistic_count": guidance.realistic_outcome_count(mobility.duration_days),
            "translated_into": [s.name for s in translation.translation_states(agreement=current)]
            if current is not None
            else [],
        },
        status=status,
    )


@staff_required
@require_safe
def agreement_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=agreement.mobility_id)
    return render(
        request,
        "mobility/agreement_version.html",
        {
            "agreement": agreement,
            "mobility": mobility,
            "signatures": {s.party: s for s in agreement.signatures.all()},
            "parties": services.agreement_required_parties(agreement=agreement),
            "versions": selectors.agreement_versions(mobility=mobility),
            "party_labels": Party.choices,
        },
    )


@staff_required
@require_safe
def signature_scan(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    signature = selectors.signature_get_for_user(user=request.user, pk=pk)
    response = serve_private_file(signature.scan)
    mobility = signature.agreement.mobility
    audit_record(
        action="signature.download",
        actor=request.user,
        target=signature,
        centre_id=mobility.centre_id,
        data={"learner": mobility.participant_id, "mobility": mobility.pk, "party": signature.party},
        request=request,
    )
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def agreement_translate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The agreement's texts in one language, typed by the referent beside the originals."""
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    mobility = agreement.mobility
    require_manage(request, mobility.centre_id)
    tutor = mobility.host_tutor
    codes = dict(translation.translation_languages())
    asked = translation.base_language(request.POST.get("language") or request.GET.get("language"))
    language = (
        asked
        if asked in codes and asked != translation.base_language(agreement.language)
        else translation.default_language(
            agreement=agreement, tutor_language=tutor.preferred_language if tutor else None
        )
    )
    found = translation.translation_of(agreement=agreement, language=language)
    superseded = agreement.status == AgreementStatus.SUPERSEDED
    form = AgreementTranslationForm(request.POST or None, found=found, basis=translation.basis(agreement))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agreement_translation_save(
                    agreement=agreement,
                    language=language,
                    texts=form.service_texts(),
                    outcomes=form.service_outcomes(),
                    basis=form.cleaned_data.get("basis") or None,
                    acting_user=request.user,
                    request=request,
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "changed":
                    # drawn again from the texts as they now read, with what was typed kept
                    form = AgreementTranslationForm(
                        request.POST, found=found, basis=translation.basis(agreement)
                    )
                    form.data = form.data.copy()
                    form.data["basis"] = translation.basis(agreement)
                errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The translation into %(language)s has been saved.") % {"language": codes[language]},
                )
                return redirect(reverse("mobility:mobility-detail", args=[mobility.pk]) + "#agreement")
        status = 400
    return render(
        request,
        "mobility/agreement_translation.html",
        {
            "agreement": agreement,
            "mobility": mobility,
            "form": form,
            "found": found,
            "language": language,
            "language_name": codes.get(language, language),
            "languages": [
                (code, name)
                for code, name in codes.items()
                if code != translation.base_language(agreement.language)
            ],
            "states": translation.translation_states(agreement=agreement),
            "tutor_language": translation.base_language(tutor.preferred_language) if tutor else "",
            "superseded": superseded,
        },
        status=status,
    )
