"""Learners (apprentices, pupils, staff) with their guardian and parental consent, and the qualifications
they prepare (diploma, EQF level, units of learning outcomes).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mobility.catalogue.models import ParticipantKind
from partners.accounts.models import User
from partners.directory.models import Contact, Organisation, TimeStamped, phone_validator


class Qualification(TimeStamped):
    """A diploma prepared by learners, with its EQF level and units of learning outcomes."""

    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=250)
    diploma = models.CharField(_("diploma"), max_length=60, help_text=_("CAP, BP, Bac pro, BTS…"))
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    country = CountryField(_("country"), default="FR")
    trade = models.CharField(_("trade"), max_length=120, blank=True)
    isced_f = models.CharField(
        _("field of education (ISCED-F)"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{2}(\d{1,2})?$", _("An ISCED-F 2013 code: 2, 3 or 4 digits."))],
        help_text=_(
            "ISCED-F 2013 code of the field, e.g. 0721 (food processing); the EU's reports ask for it."
        ),
    )
    network = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("network"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["diploma", "title"]
        constraints = [models.UniqueConstraint(fields=["code", "network"], name="qualification_code_unique")]

    def __str__(self) -> str:
        return f"{self.diploma} {self.title}"


class Unit(models.Model):
    """A unit of learning outcomes of a qualification (what can be assessed abroad)."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=250)
    suggested_outcomes = models.TextField(
        _("suggested learning outcomes"),
        blank=True,
        help_text=_("One per line; offered when writing the agreement."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("unit of learning outcomes")
        verbose_name_plural = _("units of learning outcomes")
        ordering = ["qualification", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["qualification", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


# --- Learners ---------------------------------------------------------------------------------
class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other or not stated")


class Learner(TimeStamped):
    """A participant: an apprentice (often a minor) or a staff member of a training centre."""

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="learners", verbose_name=_("training centre")
    )
    kind = models.CharField(
        _("participant"), max_length=10, choices=ParticipantKind.choices, default=ParticipantKind.LEARNER
    )
    first_name = models.CharField(_("first name(s)"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    national_id = models.CharField(
        _("national learner id"),
        max_length=30,
        blank=True,
        help_text=_("The identifier of the school information system (INE in France)."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    nationality = CountryField(_("nationality"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="fr")
    qualification = models.ForeignKey(
        Qualification,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learners",
        verbose_name=_("qualification prepared"),
    )
    trade = models.CharField(_("trade"), max_length=120, blank=True)
    training_year = models.PositiveSmallIntegerField(
        _("year of training"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    position = models.CharField(_("position (staff)"), max_length=120, blank=True)
    employer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="apprentices",
        verbose_name=_("sending employer"),
    )
    employer_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="apprentices",
        verbose_name=_("employer contact"),
    )
    apprenticeship_start = models.DateField(
        _("apprenticeship contract starts"),
        null=True,
        blank=True,
        help_text=_("For an apprentice's stay abroad."),
    )
    apprenticeship_end = models.DateField(_("apprenticeship contract ends"), null=True, blank=True)
    fewer_opportunities = models.BooleanField(_("participant with fewer opportunities"), default=False)
    needs_adaptation = models.BooleanField(
        _("needs an adaptation"),
        default=False,
        help_text=_("Yes or no only: never record health details here."),
    )
    is_recent_graduate = models.BooleanField(_("recent graduate"), default=False)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True)
    guardian_phone = models.CharField(
        _("guardian's phone"), max_length=30, blank=True, validators=[phone_validator]
    )
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="learner_profile"
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["centre", "last_name", "first_name"], name="learner_centre_name_idx"),
            models.Index(fields=["centre", "updated_at"], name="learner_centre_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "national_id"],
                condition=~Q(national_id=""),
                name="learner_national_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.anonymised_at is not None:
            return str(_("Anonymised participant"))
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def is_minor_on(self, day: date | None = None) -> bool:
        age = self.age_on(day or timezone.localdate())
        return age is not None and age < 18

    @property
    def is_minor(self) -> bool:
        return self.is_minor_on()

    def clean(self) -> None:
        super().clean()
        self.national_id = (self.national_id or "").strip().upper()
        self.email = (self.email or "").strip().lower()
        today = timezone.localdate()
        if self.date_of_birth:
            if self.date_of_birth > today:
                raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
            if self.age_on(today) is not None and self.age_on(today) > 100:
                raise ValidationError({"date_of_birth": _("Check the date of birth: over 100 years ago.")})
        if self.kind == ParticipantKind.LEARNER and self.date_of_birth and self.is_minor_on(today):
            if not self.guardian_name:
                raise ValidationError({"guardian_name": _("A minor needs a guardian: enter their name.")})
            if not (self.guardian_email or self.guardian_phone):
                raise ValidationError(
                    {"guardian_email": _("A minor's guardian needs an e-mail address or a phone number.")}
                )
        if (
            self.apprenticeship_start
            and self.apprenticeship_end
            and self.apprenticeship_end < self.apprenticeship_start
        ):
            raise ValidationError(
                {"apprenticeship_end": _("The apprenticeship contract ends before it starts.")}
            )


#: What a referent records about a learner: the form, the API, the services and the archive use this list.
LEARNER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "national_id",
    "email",
    "phone",
    "nationality",
    "preferred_language",
    "qualification",
    "trade",
    "training_year",
    "position",
    "employer",
    "employer_contact",
    "apprenticeship_start",
    "apprenticeship_end",
    "fewer_opportunities",
    "needs_adaptation",
    "is_recent_graduate",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
)
#: Those of them that point at another row (an import or the archive gives them by name, not by id).
LEARNER_LINKS = ("qualification", "employer", "employer_contact")
#: Those that hold a value of their own.
LEARNER_VALUES = tuple(name for name in LEARNER_FIELDS if name not in LEARNER_LINKS)


def consent_upload_to(instance: ParentalConsent, filename: str) -> str:
    return f"consents/{instance.learner.centre_id}/{instance.learner_id}/{filename}"


class ParentalConsent(TimeStamped):
    """A guardian's consent for a minor's mobility: given on a date, by a named person, with a scan."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    mobility = models.ForeignKey(
        "Mobility",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
        help_text=_("Empty: valid for every mobility of the learner."),
    )
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(_("given by"), max_length=200)
    scan = models.FileField(_("signed scan"), upload_to=consent_upload_to, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("parental consent")
        verbose_name_plural = _("parental consents")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.given_by} ({self.given_on})"
