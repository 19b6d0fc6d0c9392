"""The directory's forms: organisation, contact, filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partners.directory import selectors
from partners.directory.models import (
    DIRECTORY_KINDS,
    ORGANISATION_FIELDS,
    SPOKEN_LANGUAGES,
    Contact,
    NaceSection,
    Organisation,
    OrganisationKind,
)


def organisation_label(obj: Organisation) -> str:
    """How an organisation reads in a list to choose from: its name, city and country."""
    return f"{obj.display_name} — {obj.city} ({obj.country.code})" if obj.country else obj.display_name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


# --- Directory --------------------------------------------------------------------------------
class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, city or OID")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    quality = forms.ChoiceField(
        label=_("Quality"),
        required=False,
        choices=[("", _("Any quality status")), ("recommended", _("Recommended")), ("watch", _("To watch")),
                 ("avoid", _("Not to use")), ("labelled", _("Holds a valid label"))],
    )  # fmt: skip
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name (A to Z)")),
            ("-name", _("Name (Z to A)")),
            ("city", _("City (A to Z)")),
            ("-city", _("City (Z to A)")),
            ("country", _("Country (A to Z)")),
            ("-country", _("Country (Z to A)")),
            ("kind", _("Kind (A to Z)")),
            ("-kind", _("Kind (Z to A)")),
            ("-updated", _("Recently updated first")),
            ("updated", _("Least recently updated first")),
        ],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _blank(_("All kinds")) + list(OrganisationKind.choices)
        # Only the countries where the network has partners: a short list, and no dead ends.
        present = set(selectors.organisation_countries_for_user(user=user))
        self.fields["country"].choices = _blank(_("All countries")) + [
            (code, name) for code, name in countries if code in present
        ]
        self.fields["sector"].choices = _blank(_("All sectors")) + [
            (code, f"{code} — {label}") for code, label in NaceSection.choices
        ]


class OrganisationForm(forms.ModelForm):
    """Creating or editing an organisation. ``user`` decides the choices offered."""

    owner_centre = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "Staff of this centre (and administrators) may edit the record; the whole network sees it."
        ),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different organisation"),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "is_sme": forms.NullBooleanSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "oid": forms.TextInput(attrs={"placeholder": "E10012345", "spellcheck": "false"}),
            "pic": forms.TextInput(attrs={"placeholder": "949123456", "inputmode": "numeric"}),
        }
        help_texts = {
            "oid": _("Erasmus+ organisation ID: the letter E and 8 digits."),
            "pic": _("Participant Identification Code: 9 digits."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        creating = self.instance.pk is None
        self.duplicates: list[selectors.DuplicateMatch] = []
        sector = self.fields["sector"]
        sector.choices = _blank(_("Unknown")) + [(c, f"{c} — {label}") for c, label in NaceSection.choices]
        parent = self.fields["parent"]
        parent.label_from_instance = lambda o: f"{o.display_name} ({o.city})"
        if creating:
            kinds = selectors.creatable_kinds_for(user=user)
            self.fields["kind"].choices = _blank("---------") + [
                (k, label) for k, label in OrganisationKind.choices if k in kinds
            ]
            owners = selectors.owner_centres_for(user=user)
            self.fields["owner_centre"].queryset = owners
            if owners.count() == 1:
                self.fields["owner_centre"].initial = owners.first()
            # The parent matters for training centres (their chamber); a company's group is set
            # through the API or the admin, which keeps this form light at national scale.
            parents = selectors.parent_choices_for(user=user)
            if parents.exists():
                parent.queryset = parents
                parent.help_text = _("For a training centre only: the network or chamber it belongs to.")
            else:
                del self.fields["parent"]
        elif self.instance.is_tenant:
            del self.fields["kind"]
            del self.fields["parent"]
            del self.fields["owner_centre"]
        else:
            del self.fields["owner_centre"]
            del self.fields["parent"]
            self.fields["kind"].choices = [
                (k, label) for k, label in OrganisationKind.choices if k in DIRECTORY_KINDS
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None:
            kind = data.get("kind")
            if kind in DIRECTORY_KINDS and not data.get("owner_centre"):
                self.add_error("owner_centre", _("Choose the centre this record is created for."))
            if kind == OrganisationKind.TRAINING_CENTRE and not data.get("parent"):
                self.add_error("parent", _("A training centre belongs to a network or chamber."))
            if kind in DIRECTORY_KINDS:
                data["parent"] = None
        return data

    def show_duplicates(self, matches: list[selectors.DuplicateMatch], *, blocking: bool) -> None:
        """Attaches the possible duplicates to the form so that the page links to them."""
        self.duplicates = matches
        if not blocking:
            self.add_error(
                "confirm_duplicate",
                _(
                    "Check the records listed above; tick this box if this is really a different organisation."
                ),
            )


class LanguagesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ContactForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages spoken"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_("E-mails and the tutor's pages use it when the platform speaks it, English otherwise."),
    )

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "position",
            "email",
            "phone",
            "languages",
            "preferred_language",
            "is_tutor",
            "is_employer_contact",
            "is_reference_person",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "is_tutor": _(
                "Supervises learners at the host organisation; receives the tutor's links by e-mail."
            ),
            "is_employer_contact": _(
                "The apprentice's company at home: informed of the mobility, gives feedback."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        languages = sorted(SPOKEN_LANGUAGES, key=lambda c: str(c[1]).casefold())
        self.fields["languages"].choices = languages
        self.fields["preferred_language"].choices = languages
        if not self.instance.pk and not self.initial.get("preferred_language"):
            self.initial["preferred_language"] = "en"
