"""The end-of-stay questionnaire as a form built from the questions (data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.quality.models import RATING_MAX, CheckAnswer, CheckItem, QuestionKind, ReportQuestion
from partners.quality.models import HostStatusChoice


class ReportForm(forms.Form):
    """One field ``q<id>`` per question, labelled in the participant's language."""

    def __init__(self, *args: Any, questions: list[ReportQuestion], language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for question in questions:
            label = question.label_in(language)
            name = f"q{question.pk}"
            if question.kind == QuestionKind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=question.required,
                    choices=[(str(i), str(i)) for i in range(1, RATING_MAX + 1)],
                    widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
                    help_text=_("1 = poor, 5 = excellent"),
                )
            elif question.kind == QuestionKind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=question.required,
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label, required=question.required, max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )  # fmt: skip


class HostStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Quality status"), choices=HostStatusChoice.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Label"), max_length=200)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    scan = forms.FileField(label=_("Scan"), required=False)


class PlacementCheckForm(forms.Form):
    def __init__(self, *args: Any, items: list[CheckItem], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item{item.pk}"] = forms.ChoiceField(
                label=item.label, choices=CheckAnswer.choices,
                widget=forms.RadioSelect(attrs={"class": "choice-list choice-list--options"}),
            )  # fmt: skip
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
        )
