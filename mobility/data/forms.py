"""Forms of the import, export, report and Erasmus+ pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mobility.data.models import ExportKind, FileFormat, ImportKind
from mobility.mobilities.models import Direction, MobilityStatus
from partners.directory.models import Organisation, OrganisationKind

ENCODINGS = [
    ("", _("Automatic (UTF-8, with or without BOM, or Windows-1252)")),
    ("utf-8", "UTF-8"),
    ("cp1252", _("Windows-1252 (Excel “CSV (separator: semicolon)”)")),
]


def _centre_choices(centre_ids: Any) -> list[tuple[int, str]]:
    return [
        (o.pk, o.display_name)
        for o in Organisation.objects.filter(
            pk__in=centre_ids, kind=OrganisationKind.TRAINING_CENTRE
        ).order_by("name")
    ]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    centre = forms.TypedChoiceField(label=_("Training centre"), coerce=int)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon) or XLSX workbook; the first row holds the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=ENCODINGS, required=False)

    def __init__(self, *args: Any, centre_ids: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = _centre_choices(centre_ids)
        self.fields["centre"].choices = choices
        if len(choices) == 1:
            self.fields["centre"].initial = choices[0][0]


class ImportConfirmForm(forms.Form):
    skip_errors = forms.BooleanField(
        label=_("Import the other rows and leave out the rows in error"),
        required=False,
        help_text=_("The rows in error can be downloaded, corrected and imported again afterwards."),
    )


DATA_EXPORT_KINDS = [
    (k, label)
    for k, label in ExportKind.choices
    if k in ("learners", "organisations", "mobilities", "evaluations", "statistics")
]


def default_delimiter() -> str:
    # Excel reads ";" where the decimal separator is a comma (French, German, Spanish, Italian…).
    return "," if (translation.get_language() or "en").startswith("en") else ";"


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"), choices=DATA_EXPORT_KINDS)
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(FileFormat.XLSX, _("Excel workbook (XLSX)")), (FileFormat.CSV, "CSV")],
        widget=forms.RadioSelect,
        initial=FileFormat.XLSX,
    )
    delimiter = forms.ChoiceField(
        label=_("CSV separator"),
        choices=[(";", _("Semicolon (Excel in French, German…)")), (",", _("Comma"))],
        required=False,
    )
    centre = forms.TypedChoiceField(label=_("Training centre"), coerce=int, required=False, empty_value=None)
    starts_after = forms.DateField(
        label=_("Mobilities starting from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status of the mobility"), choices=[("", _("Any")), *MobilityStatus.choices], required=False
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", _("Any")), *Direction.choices], required=False
    )
    project = forms.TypedChoiceField(label=_("Project"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, centre_ids: Any = (), projects: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("All my centres")), *_centre_choices(centre_ids)]
        self.fields["project"].choices = [("", _("Any")), *[(p.pk, str(p)) for p in projects]]
        self.fields["delimiter"].initial = default_delimiter()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("starts_after"), data.get("starts_before")
        if after and before and before < after:
            self.add_error("starts_before", _("The end of the period is before its start."))
        return data

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "centre": data.get("centre"),
            "starts_after": data["starts_after"].isoformat() if data.get("starts_after") else "",
            "starts_before": data["starts_before"].isoformat() if data.get("starts_before") else "",
            "status": data.get("status") or "",
            "direction": data.get("direction") or "",
            "project": data.get("project"),
            "delimiter": data.get("delimiter") or default_delimiter(),
        }


class ReportForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"))
    # A date input reads and shows ISO dates only: a localised value would show an empty field.
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, scopes: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = list(scopes)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class ErasmusForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    mapping = forms.TypedChoiceField(label=_("Column mapping"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, projects: Any = (), mappings: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, str(p)) for p in projects]
        self.fields["mapping"].choices = [(m.pk, str(m)) for m in mappings]


class ErasmusTemplateForm(forms.Form):
    """The empty mobility import template exported by the Beneficiary Module, for a new mapping."""

    name = forms.CharField(label=_("name"), max_length=120)
    release = forms.CharField(label=_("template release"), max_length=60, required=False)
    template = forms.FileField(
        label=_("empty template (XLSX or CSV)"),
        help_text=_("Export it from the Module's import-export page of the project, without mobilities."),
    )
