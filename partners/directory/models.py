"""The shared directory: organisations (networks, centres, host companies, schools, intermediaries,
employers) and their contacts (tutors and employer contacts, who never need an account).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


# --- Organisations ----------------------------------------------------------------------------
class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("Network or chamber")
    TRAINING_CENTRE = "training_centre", _("Training centre")
    INTERMEDIARY = "intermediary", _("Intermediary organisation")
    HOST_COMPANY = "host_company", _("Host company")
    SENDING_EMPLOYER = "sending_employer", _("Sending employer")
    PARTNER_SCHOOL = "partner_school", _("Partner school")


#: Kinds whose members log in and own learner data (the tenants).
TENANT_KINDS = (OrganisationKind.NETWORK, OrganisationKind.TRAINING_CENTRE)

#: Kinds that make up a network's shared directory of partners.
DIRECTORY_KINDS = (
    OrganisationKind.HOST_COMPANY,
    OrganisationKind.SENDING_EMPLOYER,
    OrganisationKind.INTERMEDIARY,
    OrganisationKind.PARTNER_SCHOOL,
)


class NaceSection(models.TextChoices):
    """Sections of the statistical classification of economic activities (NACE Rev. 2)."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply, sewerage, waste management")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade, repair of motor vehicles")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers")
    U = "U", _("Activities of extraterritorial organisations")


oid_validator = RegexValidator(
    r"^E\d{8}$", _("An OID is the letter E followed by 8 digits, for example E10012345.")
)

pic_validator = RegexValidator(r"^\d{9}$", _("A PIC is made of 9 digits, for example 949123456."))

phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-/]{6,25}$",
    _("Enter a phone number with digits, spaces and an optional leading + (for example +34 912 345 678)."),
)

_LEGAL_FORMS = re.compile(
    r"\b(sarl|sas|sasu|sa|eurl|gmbh|ag|kg|ohg|ug|ltd|limited|plc|llc|inc|bv|nv|srl|spa|sl|slu|sau|"
    r"oy|ab|as|aps|sp z o ?o|lda|ehf|co|cie|et|and|und|y|e)\b"
)


def normalise_name(name: str) -> str:
    """Folds case, accents, punctuation and legal forms so that "Garage Müller GmbH" = "garage muller"."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


#: Who an organisation is, and where to reach it: the form, the API, the services, the import and
#: the merge name these fields.
ORGANISATION_IDENTITY = ("kind", "name", "short_name", "parent")
ORGANISATION_DETAILS = (
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
)
ORGANISATION_FIELDS = (*ORGANISATION_IDENTITY, *ORGANISATION_DETAILS, "notes")


class Organisation(TimeStamped):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("usual name"), max_length=100, blank=True)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("A chamber owns its training centres."),
    )
    # The root network this record belongs to: shared-directory entries are visible across it.
    network = models.ForeignKey(
        "self",
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The centre whose staff created a directory entry: they (and admins) may edit it.
    owner_centre = models.ForeignKey(
        "self",
        verbose_name=_("created by centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    oid = models.CharField(
        _("Erasmus+ OID"), max_length=9, blank=True, validators=[oid_validator], db_index=True
    )
    pic = models.CharField(_("PIC"), max_length=9, blank=True, validators=[pic_validator])
    national_id = models.CharField(
        _("national id or VAT number"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("SIRET, VAT number, company register number…"),
    )
    sector = models.CharField(_("sector (NACE)"), max_length=1, choices=NaceSection.choices, blank=True)
    is_sme = models.BooleanField(_("fewer than 250 staff"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["network", "kind"], name="org_network_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalised_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:organisation-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_tenant(self) -> bool:
        return self.kind in TENANT_KINDS

    @property
    def is_directory_entry(self) -> bool:
        """Host companies, employers, intermediaries and schools: the network's shared directory."""
        return self.kind in DIRECTORY_KINDS

    def clean_fields(self, exclude=None) -> None:
        # Identifiers are typed in every way ("e 1000 0042", "949 123 456"): normalise them
        # before their format is checked.
        self.oid = (self.oid or "").strip().upper().replace(" ", "")
        self.pic = (self.pic or "").strip().replace(" ", "")
        self.national_id = (self.national_id or "").strip().upper().replace(" ", "")
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.kind == OrganisationKind.TRAINING_CENTRE and self.parent_id is None:
            raise ValidationError({"parent": _("A training centre belongs to a network or chamber.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        if (
            self.kind == OrganisationKind.TRAINING_CENTRE
            and self.parent_id
            and self.parent.kind != OrganisationKind.NETWORK
        ):
            raise ValidationError({"parent": _("A training centre belongs to a network or chamber.")})


# --- People outside the platform --------------------------------------------------------------
def _spoken_languages() -> list[tuple[str, Any]]:
    from django.conf import global_settings

    names = dict(global_settings.LANGUAGES)
    eu_official = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it"]
    eu_official += ["lt", "lv", "nl", "pl", "pt", "ro", "sk", "sl", "sv"]
    others = [
        "ar",
        "ca",
        "eu",
        "gl",
        "is",
        "nb",
        "sq",
        "sr",
        "mk",
        "tr",
        "uk",
        "ru",
        "zh-hans",
        "ja",
        "ko",
        "hi",
    ]
    codes = eu_official + others
    # Django's own catalogues translate these names; Maltese is the one it lacks.
    return [(code, _(names[code])) for code in codes] + [("mt", _("Maltese"))]


#: Languages a contact may speak: the EU's official ones and those host partners often use.
SPOKEN_LANGUAGES = _spoken_languages()


class Contact(TimeStamped):
    """A person of an organisation: host tutor, employer contact, reference person. No account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="en", help_text=_("Used for e-mails and pages.")
    )
    is_tutor = models.BooleanField(_("host tutor"), default=False)
    is_employer_contact = models.BooleanField(_("sending-employer contact"), default=False)
    is_reference_person = models.BooleanField(_("reference person"), default=False)
    # The centre whose staff added this person: they (and admins) may edit the record.
    owner_centre = models.ForeignKey(
        Organisation,
        verbose_name=_("added by centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:contact-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        known = {code for code, _label in SPOKEN_LANGUAGES}
        if not isinstance(self.languages, list) or any(code not in known for code in self.languages):
            raise ValidationError({"languages": _("Choose languages from the list.")})
        if self.preferred_language not in known:
            raise ValidationError({"preferred_language": _("Choose a language from the list.")})
        if self.is_tutor and not self.email:
            # The tutor's links and reminders are e-mailed: without an address they never arrive.
            raise ValidationError({"email": _("A host tutor needs an e-mail address.")})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
