"""The referent's forms for a checklist task and a follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import Assignee, Step
from mobility.mobilities.models import Mobility
from mobility.site.forms import DateInput, date_field
from mobility.tracking.models import FollowUp, FollowUpChannel


# --- Checklist and follow-ups -----------------------------------------------------------------
class ChecklistAddForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=250)
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices, initial=Step.PREPARE)
    due_date = date_field(_("Due"))
    assignee = forms.ChoiceField(label=_("Done by"), choices=Assignee.choices, initial=Assignee.REFERENT)


class FollowUpForm(forms.ModelForm):
    followup = forms.ModelChoiceField(
        queryset=FollowUp.objects.none(),
        required=False,
        label=_("Scheduled follow-up"),
        empty_label=_("An extra follow-up (not scheduled)"),
    )
    channel = forms.ChoiceField(label=_("How"), choices=[("", "—"), *FollowUpChannel.choices])
    wellbeing = forms.TypedChoiceField(
        label=_("How it is going"),
        choices=[("", "—"), (5, _("5 — very well")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — badly"))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = FollowUp
        fields = ["done_on", "channel", "wellbeing", "needs_attention", "notes"]
        widgets = {"done_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, mobility: Mobility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followup"].queryset = mobility.followups.filter(done_on__isnull=True).order_by(
            "scheduled_for"
        )
        self.fields["followup"].label_from_instance = lambda f: f.scheduled_for.strftime("%d/%m/%Y")
        self.fields["done_on"].required = True
        self.fields["done_on"].initial = timezone.localdate()
        self.fields["notes"].help_text = _("What was said; never health details.")

    def validate_unique(self) -> None:
        pass
