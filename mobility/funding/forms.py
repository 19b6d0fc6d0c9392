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
