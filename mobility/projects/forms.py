"""The form of a project, with the grant agreement number checked as the Erasmus+ programme writes it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mobility.projects.models import PROJECT_FIELDS, Project
from mobility.site.forms import CentreChoiceField, DateInput
from partners.directory.models import Organisation

# --- Projects ---------------------------------------------------------------------------------


class GrantNumberField(forms.CharField):
    """Accepts the number as people type it (lower case, spaces around) before checking its shape."""

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").strip().upper()


class ProjectForm(forms.ModelForm):
    organisation = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Beneficiary"))
    budget_lines = forms.CharField(
        label=_("Budget lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: code | label | amount. For example: OS | Organisational support | 12000"),
    )

    class Meta:
        model = Project
        # The budget lines are edited below the form, one row each.
        fields = [name for name in PROJECT_FIELDS if name != "budget_lines"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        field_classes = {"grant_agreement_number": GrantNumberField}

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in organisations]
            )
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0].pk
        if not self.is_bound and self.instance.budget_lines:
            self.initial["budget_lines"] = "\n".join(
                " | ".join(str(line.get(k, "")) for k in ("code", "label", "amount"))
                for line in self.instance.budget_lines
            )
        self.fields["grant_agreement_number"].widget.attrs["placeholder"] = "2024-1-FR01-KA121-VET-000123456"
        self.fields["call_year"].widget.attrs.update({"min": 2014, "max": 2100})

    def clean_budget_lines(self) -> list[dict[str, Any]]:
        lines = []
        for number, raw in enumerate((self.cleaned_data.get("budget_lines") or "").splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise ValidationError(
                    _("Line %(n)s: write code | label | amount.") % {"n": number}, code="budget_line"
                )
            try:
                amount = Decimal(parts[2].replace(" ", "").replace(",", ".")) if parts[2] else Decimal(0)
            except InvalidOperation as exc:
                raise ValidationError(
                    _("Line %(n)s: the amount “%(amount)s” is not a number.")
                    % {"n": number, "amount": parts[2]},
                    code="budget_amount",
                ) from exc
            lines.append({"code": parts[0][:20], "label": parts[1][:200], "amount": float(amount)})
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project ends before it starts."))
        return data

    def validate_unique(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in PROJECT_FIELDS}
        data["budget_lines"] = self.cleaned_data.get("budget_lines") or []
        return data
