"""The participant's end-of-stay questionnaire, on the guest pages (by their personal link)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mobility.guests.models import GuestRole
from mobility.guests.services.sessions import guest_mobility_get, guest_required
from mobility.quality import selectors
from mobility.quality import services as quality
from mobility.quality.forms import ReportForm
from partners.pages import errors_to_form


@guest_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=(GuestRole.LEARNER,))  # type: ignore[attr-defined]
    current = selectors.report_get(mobility=mobility)
    language = translation.get_language() or grant.language
    context = {"mobility": mobility, "grant": grant, "report": current}
    if current is not None and current.answered_at is not None:
        if request.method == "POST":
            messages.info(request, _("You have already answered this questionnaire: thank you."))
            return redirect("quality:guest_report", pk=mobility.pk)
        return render(request, "quality/guest_report_done.html", context)
    if not selectors.report_is_open(mobility=mobility):
        return render(request, "quality/guest_report_later.html", context)
    questions = selectors.report_questions_for(mobility=mobility)
    form = ReportForm(request.POST or None, questions=questions, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            quality.report_submit(
                mobility=mobility, grant=grant, answers=form.cleaned_data, language=language, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the training centre has your answers."))
            return redirect("quality:guest_report", pk=mobility.pk)
    return render(request, "quality/guest_report.html", {**context, "form": form})
