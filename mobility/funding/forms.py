"""Forms of the money pages: a mobility's grant inputs, a payment, a rate table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.funding.models import GrantPayment, MobilityFunding
from mobility.funding.services import FUNDING_FIELDS


class FundingForm(forms.ModelForm):
    class Meta:
        model = MobilityFunding
        fields = list(FUNDING_FIELDS)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FUNDING_FIELDS if name in self.cleaned_data}


class PaymentForm(forms.ModelForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = GrantPayment
        fields = ["paid_on", "reference"]


def _decimal(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=10, decimal_places=3, **kwargs)


class RateTableForm(forms.Form):
    """A network's rate table: figures, bands (one a line) and daily rates; empty means missing."""

    call_year = forms.IntegerField(label=_("Call year"), min_value=2014, max_value=2100)
    national_agency = forms.CharField(label=_("National agency"), max_length=10, required=False)
    day15_factor = _decimal(_("Factor from the 15th day"))
    organisational_support = _decimal(_("Organisational support per participant"))
    inclusion_support = _decimal(_("Inclusion support for the organisation"))
    course_fee_per_day = _decimal(_("Course fees per day"))
    course_fee_cap = _decimal(_("Course fees per participant, at most"))
    travel_days_funded = forms.IntegerField(label=_("Travel days funded"), required=False, min_value=0)
    green_travel_days_funded = forms.IntegerField(
        label=_("Travel days funded with green travel"), required=False, min_value=0
    )
    exceptional_threshold = _decimal(_("Exceptional costs when the unit cost covers less than"))
    exceptional_share = _decimal(_("Exceptional costs: share of real costs"))
    bands = forms.CharField(
        label=_("Travel bands"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line: from km | to km (empty: no limit) | standard | green | source."),
    )
    sources = forms.CharField(
        label=_("Sources of the figures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: field | source."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, kind_label in (("learner", _("learners")), ("staff", _("staff and accompanying persons"))):
            for group in (1, 2, 3, 4):
                self.fields[f"daily_{kind}_{group}"] = _decimal(
                    _("Per day, %(who)s, group %(group)s") % {"who": kind_label, "group": group}
                )

    @staticmethod
    def initial_for(table: Any) -> dict[str, Any]:
        from mobility.funding.models import RATE_TABLE_FIGURES

        data: dict[str, Any] = {name: getattr(table, name) for name in RATE_TABLE_FIGURES}
        data.update(call_year=table.call_year, national_agency=table.national_agency)
        data["bands"] = "\n".join(
            " | ".join(
                "" if v is None else str(v) for v in (b.min_km, b.max_km, b.standard, b.green, b.source)
            )
            for b in table.travel_rates.all()
        )
        data["sources"] = "\n".join(f"{k} | {v}" for k, v in (table.sources or {}).items())
        for rate in table.daily_rates.all():
            data[f"daily_{rate.participant_kind}_{rate.country_group}"] = rate.amount
        return data

    def clean_bands(self) -> list[dict[str, Any]]:
        rows = []
        for number, raw in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")] + ["", "", "", ""]
            if not parts[0]:
                raise forms.ValidationError(
                    _("Line %(n)s: write from km | to km | standard | green | source.") % {"n": number}
                )
            rows.append(
                {
                    "min_km": parts[0],
                    "max_km": parts[1],
                    "standard": parts[2],
                    "green": parts[3],
                    "source": parts[4],
                }
            )
        return rows

    def clean_sources(self) -> dict[str, str]:
        out = {}
        for raw in (self.cleaned_data.get("sources") or "").splitlines():
            name, _sep, text = raw.partition("|")
            if name.strip() and text.strip():
                out[name.strip()] = text.strip()
        return out

    def service_data(self) -> dict[str, Any]:
        from mobility.funding.models import RATE_TABLE_FIGURES

        data = self.cleaned_data
        return {
            "call_year": data["call_year"],
            "national_agency": data.get("national_agency") or "",
            "figures": {name: data.get(name) for name in RATE_TABLE_FIGURES},
            "sources": data.get("sources") or {},
            "bands": data["bands"],
            "daily": {
                (group, kind): data.get(f"daily_{kind}_{group}")
                for kind in ("learner", "staff")
                for group in (1, 2, 3, 4)
            },
        }


class SignatureForm(forms.Form):
    from mobility.agreements.models import SignatureMethod as _Method
    from mobility.funding.models import FundingDocument as _Document
    from mobility.funding.models import SignatureParty as _Party

    document = forms.ChoiceField(label=_("Document"), choices=_Document.choices)
    party = forms.ChoiceField(label=_("Party"), choices=_Party.choices)
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    method = forms.ChoiceField(label=_("How"), choices=_Method.choices, widget=forms.RadioSelect)
    scan = forms.FileField(label=_("Signed scan"), required=False, help_text=_("PDF, JPEG or PNG."))
