"""The form that uploads a document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.catalogue import selectors
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from mobility.site.forms import date_field


class DocumentForm(forms.Form):
    document_type = forms.ModelChoiceField(queryset=selectors.document_type_list(), label=_("Type"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or WebP; checked by content."))
    valid_until = date_field(_("Valid until"), help_text=_("For an insurance or an identity document."))
    mobility = forms.ModelChoiceField(
        queryset=Mobility.objects.none(),
        required=False,
        label=_("For the mobility"),
        empty_label=_("The learner's file (every mobility)"),
    )

    def __init__(self, *args: Any, learner: Learner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = selectors.document_type_list()
        if learner is None:
            del self.fields["mobility"]
        else:
            self.fields["mobility"].queryset = learner.mobilities.order_by("-planned_start")
