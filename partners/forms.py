"""Forms of the base layer. They check input and shape; the rules live in services and selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import selectors
from .models import (
    DIRECTORY_KINDS,
    SPOKEN_LANGUAGES,
    Contact,
    Membership,
    NaceSection,
    Organisation,
    OrganisationKind,
    PartnershipAgreement,
    User,
)
from .roles import Role
from .uploads import JPEG, PDF, PNG, check_upload


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]


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
        fields = [
            "kind",
            "name",
            "short_name",
            "parent",
            "country",
            "city",
            "postcode",
            "address",
            "oid",
            "pic",
            "national_id",
            "sector",
            "is_sme",
            "website",
            "email",
            "phone",
            "notes",
        ]
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


# --- Agreements -------------------------------------------------------------------------------
class AgreementFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("current", _("Valid")),
        ("expiring", _("Ending within 60 days")),
        ("upcoming", _("Not started yet")),
        ("expired", _("Expired")),
    ]
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, reference or partner")}),
    )
    state = forms.ChoiceField(label=_("Validity"), choices=STATES, required=False)


class AgreementForm(forms.ModelForm):
    owner_centre = forms.ModelChoiceField(label=_("Centre"), queryset=Organisation.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    signed_copy = forms.FileField(
        label=_("Signed copy"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        help_text=_("PDF, PNG or JPEG."),
    )

    class Meta:
        model = PartnershipAgreement
        fields = [
            "owner_centre",
            "title",
            "reference",
            "partners",
            "valid_from",
            "valid_until",
            "scope",
            "signed_copy",
        ]
        widgets = {
            "valid_from": DateInput,
            "valid_until": DateInput,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        self.fields["signed_copy"].help_text = _("PDF, PNG or JPEG, %(limit)s MB at most.") % {"limit": limit}
        self.fields["partners"].queryset = selectors.organisation_choices_for_user(user=user)
        self.fields["partners"].label_from_instance = lambda o: (
            f"{o.display_name} — {o.city} ({o.country.code})"
        )
        if self.instance.pk:
            del self.fields["owner_centre"]
            if self.instance.signed_copy:
                self.fields["signed_copy"].help_text = _(
                    "A copy is already stored. Choose a file only to replace it (PDF, PNG or JPEG, %(limit)s MB at most)."
                ) % {"limit": limit}
        else:
            owners = selectors.owner_centres_for(user=user)
            self.fields["owner_centre"].queryset = owners
            if owners.count() == 1:
                self.fields["owner_centre"].initial = owners.first()

    def clean_signed_copy(self) -> Any:
        upload = self.cleaned_data.get("signed_copy")
        if not upload:
            return None  # nothing new: the stored copy stays
        check_upload(upload, allowed=(PDF, PNG, JPEG))
        return upload

    def _post_clean(self) -> None:
        # The upload is stored by the service, after every other check has passed.
        signed = self.cleaned_data.pop("signed_copy", None)
        super()._post_clean()
        self.cleaned_data["signed_copy"] = signed


# --- Team -------------------------------------------------------------------------------------
class TeamFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or e-mail")}),
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        organisations = selectors.tenant_choices_for_manager(user=user)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.display_name
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        offered: list[str] = []
        for org in organisations:
            for role in selectors.roles_grantable_by(user=user, organisation_id=org.pk):
                if role not in offered:
                    offered.append(role)
        self.fields["role"].choices = [(r, Role(r).label) for r in Role.values if r in offered]
        self.fields["role"].initial = Role.REFERENT
        self.fields["language"].initial = getattr(user, "preferred_language", "fr")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        org, role = data.get("organisation"), data.get("role")
        if org and role and role not in selectors.roles_grantable_by(user=self.user, organisation_id=org.pk):
            self.add_error("role", _("You cannot give this role in this organisation."))
        return data


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        grantable = selectors.roles_grantable_by(user=user, organisation_id=self.instance.organisation_id)
        self.fields["role"].choices = [(r, Role(r).label) for r in Role.values if r in grantable]


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="mismatch"))
        return data
