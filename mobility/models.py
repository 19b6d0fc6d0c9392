"""Learners, mobilities and everything that happens around them.

Every row holding a learner's data carries ``centre``: the training centre it belongs to (the
sending centre for outgoing mobilities, the receiving centre for incoming ones). Selectors filter
on it; nothing else decides who sees what.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.models import Contact, Organisation, TimeStamped, User, phone_validator


class TranslatedLabelMixin(models.Model):
    """Catalogue rows seeded in five languages and editable by administrators.

    ``name`` is the reference text; ``name_translations`` maps a language code to its text.
    """

    name = models.CharField(_("name"), max_length=200)
    name_translations = models.JSONField(_("translations of the name"), default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_in(translation.get_language())

    def label_in(self, language: str | None) -> str:
        # A missing, empty or blank translation shows the reference name, never an empty label.
        return _text_in(self.name_translations, (language or "en").split("-")[0]) or self.name


def _text_in(values: object, code: str) -> str:
    text = values.get(code) if isinstance(values, dict) else None
    return text if isinstance(text, str) and text.strip() else ""


def translated(values: dict, language: str | None, default: str = "") -> str:
    """``values[language]``, else the English text, else ``default``: blank entries count as missing."""
    code = (language or "en").split("-")[0]
    return _text_in(values, code) or _text_in(values, "en") or default


# --- Catalogues -------------------------------------------------------------------------------
class ParticipantKind(models.TextChoices):
    LEARNER = "learner", _("Learner")
    STAFF = "staff", _("Staff member")


class DocumentType(TranslatedLabelMixin):
    """Kinds of uploaded documents (insurance, health card, parental authorisation…)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    required_for_minors_only = models.BooleanField(_("required for minors only"), default=False)
    retention_days = models.PositiveIntegerField(
        _("kept for (days after the mobility)"),
        null=True,
        blank=True,
        help_text=_("Empty: kept as long as the learner's record."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "name"]


class ActivityType(TranslatedLabelMixin):
    """A kind of mobility with its duration bounds: Erasmus+ types and a centre's own schemes."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    participant_kind = models.CharField(
        _("participants"), max_length=10, choices=ParticipantKind.choices, default=ParticipantKind.LEARNER
    )
    min_days = models.PositiveIntegerField(_("minimum duration (days)"), null=True, blank=True)
    max_days = models.PositiveIntegerField(_("maximum duration (days)"), null=True, blank=True)
    is_erasmus = models.BooleanField(_("Erasmus+ activity"), default=True)
    erasmus_code = models.CharField(
        _("Erasmus+ reporting code"),
        max_length=60,
        blank=True,
        help_text=_("As the Beneficiary Module names it."),
    )
    long_term_from_days = models.PositiveIntegerField(
        _("long-term from (days)"), null=True, blank=True, help_text=_("ErasmusPro: 90 days and more.")
    )
    followup_every_days = models.PositiveIntegerField(
        _("follow-up every (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: weekly under 30 days, every two weeks under 90 days, monthly beyond."),
    )
    required_documents = models.ManyToManyField(
        DocumentType, blank=True, related_name="+", verbose_name=_("documents required before confirmation")
    )
    guidance = models.JSONField(
        _("guidance for the learning agreement"),
        default=dict,
        blank=True,
        help_text=_("Per language: suggested objectives, evaluation procedure."),
    )
    network = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("network"),
        help_text=_("Empty: available to every network."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days__isnull=True)
                | Q(max_days__isnull=True)
                | Q(max_days__gte=models.F("min_days")),
                name="activity_type_bounds_ordered",
            )
        ]

    def guidance_in(self, language: str | None) -> dict:
        code = (language or "en").split("-")[0]
        return self.guidance.get(code) or self.guidance.get("en") or {}


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


grant_number_validator = RegexValidator(
    r"^\d{4}-\d-[A-Z]{2}\d{2}-KA\d{3}(-[A-Z]{2,4})?-\d{6,9}$",
    _("A grant agreement number looks like 2020-1-FR01-KA202-080445 or 2024-1-FR01-KA121-VET-000123456."),
)


class Project(TimeStamped):
    """A funded project (an Erasmus+ grant agreement or another programme) that mobilities count towards."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("beneficiary"),
        help_text=_("The centre or chamber holding the grant."),
    )
    title = models.CharField(_("title"), max_length=250)
    programme = models.CharField(_("programme"), max_length=80, default="Erasmus+")
    grant_agreement_number = models.CharField(
        _("grant agreement number"), max_length=40, blank=True, validators=[grant_number_validator]
    )
    key_action = models.CharField(
        _("key action"), max_length=20, blank=True, help_text=_("KA121, KA122, KA202…")
    )
    call_year = models.PositiveSmallIntegerField(
        _("call year"), null=True, blank=True, validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    budget_lines = models.JSONField(
        _("budget lines"),
        default=list,
        blank=True,
        help_text=_("Lines used for reporting: code, label, amount."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="project_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["grant_agreement_number"],
                condition=~Q(grant_agreement_number=""),
                name="project_grant_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_agreement_number} — {self.title}" if self.grant_agreement_number else self.title

    def clean(self) -> None:
        super().clean()
        self.grant_agreement_number = (self.grant_agreement_number or "").strip().upper()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The project ends before it starts.")})


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


# --- Groups and mobilities --------------------------------------------------------------------
class MobilityGroup(TimeStamped):
    """Learners who travel together: same destination and dates, with accompanying persons."""

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mobility_groups")
    name = models.CharField(_("name"), max_length=200)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
        verbose_name=_("project"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    host_city = models.CharField(_("host city"), max_length=100)
    host_country = CountryField(_("host country"))
    planned_start = models.DateField(_("start"))
    planned_end = models.DateField(_("end"))
    accompanying_persons = models.TextField(
        _("accompanying persons"), blank=True, help_text=_("One per line: name, role, phone.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["-planned_start", "name"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class MobilityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    EVALUATED = "evaluated", _("Evaluated")
    CERTIFIED = "certified", _("Certified")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted")


#: Statuses in which a participant is committed to the dates (used by the overlap rule).
ACTIVE_STATUSES = (
    MobilityStatus.PLANNED,
    MobilityStatus.CONFIRMED,
    MobilityStatus.IN_PROGRESS,
    MobilityStatus.COMPLETED,
    MobilityStatus.EVALUATED,
    MobilityStatus.CERTIFIED,
)


class DistanceBand(models.TextChoices):
    """Erasmus+ distance bands for travel support."""

    BAND_1 = "10-99", _("10–99 km")
    BAND_2 = "100-499", _("100–499 km")
    BAND_3 = "500-1999", _("500–1,999 km")
    BAND_4 = "2000-2999", _("2,000–2,999 km")
    BAND_5 = "3000-3999", _("3,000–3,999 km")
    BAND_6 = "4000-7999", _("4,000–7,999 km")
    BAND_7 = "8000+", _("8,000 km or more")


class Mobility(TimeStamped):
    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="mobilities", verbose_name=_("training centre")
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    participant = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="mobilities", verbose_name=_("participant")
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mobilities",
        verbose_name=_("project"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="mobilities", verbose_name=_("activity")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTGOING
    )
    group = models.ForeignKey(
        MobilityGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mobilities",
        verbose_name=_("group"),
    )
    is_accompanying_person = models.BooleanField(_("accompanying person"), default=False)
    sending_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sent_mobilities",
        verbose_name=_("sending organisation"),
    )
    host_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_mobilities",
        verbose_name=_("host organisation"),
    )
    intermediary = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intermediated_mobilities",
        verbose_name=_("intermediary organisation"),
    )
    host_tutor = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutored_mobilities",
        verbose_name=_("host tutor"),
    )
    accompanying_person = models.CharField(
        _("accompanied by"),
        max_length=200,
        blank=True,
        help_text=_("Who travels with a minor: name and phone."),
    )
    host_city = models.CharField(_("host city"), max_length=100)
    host_country = CountryField(_("host country"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    travel_days = models.PositiveSmallIntegerField(
        _("travel days"),
        default=2,
        validators=[MaxValueValidator(6)],
        help_text=_("Not counted in the duration."),
    )
    green_travel = models.BooleanField(_("green travel"), default=False)
    distance_band = models.CharField(
        _("distance band"), max_length=10, choices=DistanceBand.choices, blank=True
    )
    long_term = models.BooleanField(_("long-term activity"), default=False)
    interruption_days = models.PositiveSmallIntegerField(_("interruption days"), default=0)
    main_language = models.CharField(_("main language of the activity"), max_length=10, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MobilityStatus.choices,
        default=MobilityStatus.DRAFT,
        db_index=True,
    )
    force_majeure = models.BooleanField(_("force majeure"), default=False)
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was cancelled or interrupted.")
    )
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["-planned_start", "id"]
        indexes = [
            models.Index(fields=["centre", "status", "planned_start"], name="mobility_centre_status_idx"),
            models.Index(fields=["centre", "planned_start"], name="mobility_centre_start_idx"),
            models.Index(fields=["centre", "updated_at"], name="mobility_centre_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")), name="mobility_planned_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="mobility_actual_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date:
        return self.actual_end or self.planned_end

    @property
    def duration_days(self) -> int:
        """Days of activity, travel days excluded, interruptions deducted."""
        return max(0, (self.end - self.start).days + 1 - self.interruption_days)

    @property
    def funded_days(self) -> int:
        return self.duration_days + self.travel_days

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end is before the planned start.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end is before the actual start.")
        if self.planned_start and self.planned_start.year < 2000:
            errors["planned_start"] = _("Check the year of the start date.")
        if errors:
            raise ValidationError(errors)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNING = "signing", _("Awaiting signatures")
    SIGNED = "signed", _("Signed by all parties")
    SUPERSEDED = "superseded", _("Superseded")


class LearningAgreement(TimeStamped):
    """One version of the learning agreement of a mobility. A change after signature makes a new one."""

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    language = models.CharField(_("language of the agreement"), max_length=10, default="fr")
    objectives = models.TextField(_("objectives"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("units assessed abroad")
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    working_schedule = models.CharField(_("working schedule"), max_length=200, blank=True)
    assessor = models.CharField(_("who assesses"), max_length=200, blank=True)
    assessment_method = models.TextField(_("how it is assessed"), blank=True)
    assessment_timing = models.CharField(_("when it is assessed"), max_length=200, blank=True)
    recognition_arrangements = models.TextField(_("recognition arrangements"), blank=True)
    placement_language = models.CharField(_("language of the placement"), max_length=10, blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Per language: objectives, tasks, outcomes — shown to the tutor in their language."),
    )

    class Meta:
        verbose_name = _("learning agreement")
        verbose_name_plural = _("learning agreements")
        ordering = ["mobility", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["mobility", "version"], name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mobility} v{self.version}"


class OutcomeCategory(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    SKILLS = "skills", _("Skills")
    AUTONOMY = "autonomy", _("Responsibility and autonomy")


class AgreementOutcome(models.Model):
    """A learning outcome the mobility aims at, possibly tied to a unit of the qualification."""

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.CASCADE, related_name="outcomes")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("unit")
    )
    category = models.CharField(
        _("category"), max_length=10, choices=OutcomeCategory.choices, default=OutcomeCategory.SKILLS
    )
    description = models.TextField(_("learning outcome"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")
        ordering = ["agreement", "order", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class Party(models.TextChoices):
    LEARNER = "learner", _("Learner")
    GUARDIAN = "guardian", _("Guardian")
    SENDING = "sending", _("Sending organisation")
    HOST = "host", _("Host organisation")
    INTERMEDIARY = "intermediary", _("Intermediary organisation")


class SignatureMethod(models.TextChoices):
    IN_APP = "in_app", _("Signed in the platform")
    OUTSIDE = "outside", _("Signed outside the platform (scan uploaded)")


def signature_upload_to(instance: Signature, filename: str) -> str:
    return f"signatures/{instance.agreement.mobility.centre_id}/{instance.agreement_id}/{filename}"


class Signature(models.Model):
    agreement = models.ForeignKey(LearningAgreement, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("party"), max_length=12, choices=Party.choices)
    signer_name = models.CharField(_("signed by"), max_length=200)
    method = models.CharField(_("how"), max_length=10, choices=SignatureMethod.choices)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    scan = models.FileField(_("signed scan"), upload_to=signature_upload_to, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="signature_party_unique")]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.signer_name}"


# --- Checklist and follow-ups -----------------------------------------------------------------
class Step(models.TextChoices):
    PROMOTE = "promote", _("Promote")
    RECRUIT = "recruit", _("Recruit")
    PREPARE = "prepare", _("Prepare")
    MONITOR = "monitor", _("Monitor")
    EVALUATE = "evaluate", _("Evaluate")


class Anchor(models.TextChoices):
    BEFORE_START = "before_start", _("days before the start")
    AFTER_START = "after_start", _("days after the start")
    AFTER_END = "after_end", _("days after the end")


class Assignee(models.TextChoices):
    REFERENT = "referent", _("Referent")
    LEARNER = "learner", _("Learner")
    TUTOR = "tutor", _("Host tutor")


class ChecklistTemplateItem(TranslatedLabelMixin):
    """A task of the five-step process, generated on every mobility of an activity type."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="checklist_items")
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    anchor = models.CharField(
        _("relative to"), max_length=15, choices=Anchor.choices, default=Anchor.BEFORE_START
    )
    assignee = models.CharField(
        _("done by"), max_length=10, choices=Assignee.choices, default=Assignee.REFERENT
    )
    document_type = models.ForeignKey(
        DocumentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("document asked"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["activity_type", "order", "id"]


class ChecklistItem(models.Model):
    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="checklist")
    template = models.ForeignKey(
        ChecklistTemplateItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    title = models.CharField(_("task"), max_length=250)
    assignee = models.CharField(
        _("done by"), max_length=10, choices=Assignee.choices, default=Assignee.REFERENT
    )
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_by_label = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["mobility", "due_date", "order", "id"]
        indexes = [models.Index(fields=["done_at", "due_date"], name="checklist_open_due_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The task in the reader's language when it comes from a template."""
        return self.template.label if self.template_id and self.template else self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_date is not None and self.due_date < timezone.localdate()


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("E-mail or message")


class AuthorKind(models.TextChoices):
    REFERENT = "referent", _("Referent")
    TUTOR = "tutor", _("Host tutor")
    LEARNER = "learner", _("Learner")


class FollowUp(models.Model):
    """A check-in during the placement: scheduled from the duration, recorded by whoever held it."""

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="followups")
    scheduled_for = models.DateField(_("scheduled for"), db_index=True)
    done_on = models.DateField(_("held on"), null=True, blank=True)
    channel = models.CharField(_("how"), max_length=10, choices=FollowUpChannel.choices, blank=True)
    author_kind = models.CharField(_("recorded by"), max_length=10, choices=AuthorKind.choices, blank=True)
    author_label = models.CharField(_("recorded by"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    wellbeing = models.PositiveSmallIntegerField(
        _("how it is going (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    needs_attention = models.BooleanField(_("needs attention"), default=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["mobility", "scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.mobility} {self.scheduled_for}"

    @property
    def is_missed(self) -> bool:
        return self.done_on is None and self.scheduled_for < timezone.localdate()


# --- Documents --------------------------------------------------------------------------------
def document_upload_to(instance: Document, filename: str) -> str:
    # Random folder: file names are never guessable, and they are never served publicly anyway.
    import secrets

    return f"documents/{instance.centre_id}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Document(TimeStamped):
    """An uploaded file about a learner or a mobility. Served only through an access-checked view."""

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="documents")
    mobility = models.ForeignKey(
        Mobility, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


# --- Outside people: tutors, learners, employers ----------------------------------------------
class GuestRole(models.TextChoices):
    TUTOR = "tutor", _("Host tutor")
    LEARNER = "learner", _("Learner")
    EMPLOYER = "employer", _("Sending employer")


class AccessLink(models.Model):
    """A scoped invitation for someone without an account: one person, one mobility, one role.

    The link's key is ``lookup`` (public, names the link) followed by a secret. Only SHA-256 hashes of
    secrets are stored: the secret itself is made when the e-mail carrying it is delivered and exists
    in that e-mail alone. Every e-mail (invitation, re-send, reminder) carries a fresh secret; earlier
    ones keep working until the link expires or is revoked, so an older e-mail never breaks.
    """

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="access_links")
    role = models.CharField(_("for"), max_length=10, choices=GuestRole.choices)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="access_links"
    )
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="access_links"
    )
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=10)
    lookup = models.CharField(max_length=12, unique=True, editable=False)
    #: hash of the secret of the latest e-mail (empty until the first e-mail is delivered)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    #: hashes of the secrets of earlier e-mails, still valid (newest first, bounded)
    earlier_token_hashes = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_used_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("e-mails sent"), default=0)
    #: when the referent was last told that someone tried a dead copy of this link (one notice a day)
    problem_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(learner__isnull=False), name="access_link_has_person"
            ),
            models.UniqueConstraint(
                fields=["mobility", "role", "contact"],
                condition=Q(revoked_at__isnull=True, contact__isnull=False),
                name="access_link_live_contact_unique",
            ),
            models.UniqueConstraint(
                fields=["mobility", "role", "learner"],
                condition=Q(revoked_at__isnull=True, contact__isnull=True),
                name="access_link_live_learner_unique",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="access_link_email_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} → {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def audit_label(self) -> str:
        """How the audit log names whoever used this link: a learner by role only (the log is
        append-only and outlives an erasure), anyone else by name."""
        if self.role == GuestRole.LEARNER:
            from django.conf import settings
            from django.utils import translation

            with translation.override(settings.LANGUAGE_CODE):
                return str(GuestRole(self.role).label)
        return self.person_name

    @property
    def person_name(self) -> str:
        if self.contact_id:
            return self.contact.full_name
        if self.role == GuestRole.EMPLOYER and self.learner_id and self.learner.employer_id:
            return self.learner.employer.display_name
        return self.learner.full_name if self.learner_id else self.email


class HostConfirmation(models.Model):
    """The host tutor's answer to "is this placement on, on these dates?".

    ``confirmed_start``/``confirmed_end`` are the dates the tutor saw: when the referent changes
    the dates afterwards, the confirmation no longer holds and the tutor is asked again.
    """

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="host_confirmation")
    dates_confirmed = models.BooleanField(_("dates confirmed"))
    confirmed_start = models.DateField(_("start shown"))
    confirmed_end = models.DateField(_("end shown"))
    proposed_start = models.DateField(_("start proposed by the host"), null=True, blank=True)
    proposed_end = models.DateField(_("end proposed by the host"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("host confirmation")
        verbose_name_plural = _("host confirmations")

    def __str__(self) -> str:
        return f"{self.mobility}: {'ok' if self.dates_confirmed else 'other dates'}"

    def holds_for(self, mobility: Mobility) -> bool:
        """Whether the answer is about the mobility's current dates."""
        return (
            self.dates_confirmed
            and self.confirmed_start == mobility.planned_start
            and self.confirmed_end == mobility.planned_end
        )


class ReminderKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Confirm the placement")
    EVALUATION = "evaluation", _("Fill in the evaluation")


class GuestReminder(models.Model):
    """One reminder e-mailed to a tutor, automatic (beat) or sent by hand by a referent."""

    link = models.ForeignKey(AccessLink, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("about"), max_length=15, choices=ReminderKind.choices)
    manual = models.BooleanField(_("sent by hand"), default=False)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.ForeignKey(
        "partners.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # At most one automatic reminder per link and day, whatever runs the beat job.
            models.UniqueConstraint(
                fields=["link", "sent_on"], condition=Q(manual=False), name="guest_reminder_one_auto_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.kind} {self.sent_on}"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Sent back")


class EvaluationKind(models.TextChoices):
    TUTOR = "tutor", _("Host tutor's evaluation")
    SELF = "self", _("Learner's self-assessment")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


CEFR_SKILLS = (
    ("listening", _("Listening")),
    ("reading", _("Reading")),
    ("spoken_interaction", _("Spoken interaction")),
    ("spoken_production", _("Spoken production")),
    ("writing", _("Writing")),
)

DIGCOMP_AREAS = (
    ("information", _("Information and data literacy")),
    ("communication", _("Communication and collaboration")),
    ("content", _("Digital content creation")),
    ("safety", _("Safety")),
    ("problem_solving", _("Problem solving")),
)


class DigcompLevel(models.TextChoices):
    BASIC = "basic", _("Basic user")
    INDEPENDENT = "independent", _("Independent user")
    PROFICIENT = "proficient", _("Proficient user")


class Evaluation(TimeStamped):
    """The host tutor's evaluation of a mobility, or the learner's self-assessment (same sections)."""

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=10, choices=EvaluationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    author_name = models.CharField(_("filled by"), max_length=200, blank=True)
    tasks_carried_out = models.TextField(_("activities and tasks carried out"), blank=True)
    job_related_skills = models.TextField(_("job-related skills"), blank=True)
    language_skills = models.JSONField(
        _("language skills"),
        default=list,
        blank=True,
        help_text=_(
            "A list of {language, listening, reading, spoken_interaction, spoken_production, writing}."
        ),
    )
    digital_skills = models.JSONField(_("digital skills"), default=dict, blank=True)
    digital_comment = models.TextField(_("digital skills: comment"), blank=True)
    organisational_skills = models.TextField(_("organisational and managerial skills"), blank=True)
    communication_skills = models.TextField(_("communication skills"), blank=True)
    other_skills = models.TextField(_("other skills"), blank=True)
    attended_from = models.DateField(_("present from"), null=True, blank=True)
    attended_to = models.DateField(_("present until"), null=True, blank=True)
    absence_days = models.PositiveSmallIntegerField(_("days of absence"), null=True, blank=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    # Who signs the tutor's evaluation for the host organisation (often, not always, the tutor).
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_position = models.CharField(_("position of the signatory"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("comment of the referent"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.UniqueConstraint(fields=["mobility", "kind"], name="evaluation_kind_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.mobility}"


class OutcomeResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class OutcomeAssessment(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assessments")
    outcome = models.ForeignKey(AgreementOutcome, on_delete=models.CASCADE, related_name="assessments")
    result = models.CharField(_("result"), max_length=12, choices=OutcomeResult.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("outcome assessment")
        verbose_name_plural = _("outcome assessments")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "outcome"], name="assessment_outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.result}"


class EmployerFeedback(models.Model):
    """The sending employer's view after the mobility."""

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="employer_feedback")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    observed_progress = models.TextField(_("progress observed since the return"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    would_send_again = models.BooleanField(_("would send an apprentice again"), null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("employer feedback")
        verbose_name_plural = _("employer feedback")

    def __str__(self) -> str:
        return f"{self.mobility}: {self.satisfaction}/5"


class RecognitionDecision(models.TextChoices):
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")


class Recognition(models.Model):
    """The centre's decision, after return, on a unit of learning outcomes assessed abroad."""

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="recognitions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    decision = models.CharField(_("decision"), max_length=15, choices=RecognitionDecision.choices)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [models.UniqueConstraint(fields=["mobility", "unit"], name="recognition_unit_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_decision_display()}"


# --- Infrastructure ---------------------------------------------------------------------------
class WorkerHeartbeat(models.Model):
    """The last time each Celery worker said it was alive (read by /healthz)."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


from .models_data import *  # noqa: E402, F403  (imports, exports and the Erasmus+ mapping)
