"""Calls for applications, their places and criteria grid; applications, their preferences, files,
scores and the agreements of the employer and the guardian."""

from __future__ import annotations

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from mobility.catalogue.models import ActivityType
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from mobility.projects.models import Project
from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped


class CallStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("call", "Draft")
    OPEN = "open", pgettext_lazy("call", "Open")
    CLOSED = "closed", pgettext_lazy("call", "Closed")
    DECIDED = "decided", pgettext_lazy("call", "Decided")


class Call(TimeStamped):
    """A call for applications of one or more centres: places, eligibility, documents, a criteria grid."""

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="calls", verbose_name=_("training centre")
    )
    other_centres = models.ManyToManyField(
        Organisation, blank=True, related_name="shared_calls", verbose_name=_("also for the centres")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    #: {"de": {"title": "…", "description": "…"}, …}: the call in other languages
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("project"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    eligible_trades = models.CharField(
        _("eligible trades"), max_length=500, blank=True, help_text=_("Comma-separated; empty: every trade.")
    )
    eligible_years = models.CharField(
        _("eligible years of training"),
        max_length=20,
        blank=True,
        help_text=_("E.g. 1,2; empty: every year."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MinValueValidator(14), MaxValueValidator(99)]
    )
    min_eqf_level = models.PositiveSmallIntegerField(
        _("minimum EQF level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    asks_cv = models.BooleanField(_("asks for a CV"), default=True)
    asks_letter = models.BooleanField(_("asks for a motivation letter"), default=True)
    language = models.CharField(
        _("language of the placement"),
        max_length=10,
        blank=True,
        help_text=_("For the self-assessment (CEFR)."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    appeal_days = models.PositiveSmallIntegerField(_("days to appeal"), default=8)
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    public_key = models.CharField(max_length=24, unique=True, editable=False)

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["-opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def text(self, language: str) -> tuple[str, str]:
        """Title and description in ``language`` when translated, else as written."""
        other = (self.translations or {}).get((language or "")[:2]) or {}
        return other.get("title") or self.title, other.get("description") or self.description

    def is_accepting(self, day: date) -> bool:
        return self.status == CallStatus.OPEN and self.opens_on <= day <= self.closes_on

    @property
    def centre_ids(self) -> set[int]:
        return {self.centre_id, *(c.pk for c in self.other_centres.all())}


class CallPlace(models.Model):
    """Places offered: at a host company, in a city or in a country, on given dates."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="places")
    host_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("host"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"))
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["call", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="call_place_dates_ordered"),
            models.CheckConstraint(condition=Q(places__gte=1), name="call_place_at_least_one"),
        ]

    def __str__(self) -> str:
        where = self.host_organisation.display_name if self.host_organisation_id else (self.city or "")
        return f"{where} ({self.country.name}) {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}".strip()


class CriterionSource(models.TextChoices):
    SCORED = "scored", _("Scored by referents")
    FEWER_OPPORTUNITIES = "fewer_opportunities", _("Fewer opportunities (from the learner's record)")


class Criterion(models.Model):
    """One line of the grid: a referent gives 0 to ``max_points``, weighted by ``weight``."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MaxValueValidator(100)])
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    source = models.CharField(
        _("source"), max_length=30, choices=CriterionSource.choices, default=CriterionSource.SCORED
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "order", "id"]

    def __str__(self) -> str:
        return self.label


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    WAITING = "waiting", _("Waiting list")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECISIONS = (ApplicationStatus.SELECTED, ApplicationStatus.WAITING, ApplicationStatus.NOT_SELECTED)


class Answer(models.TextChoices):
    PENDING = "", _("Awaited")
    AGREED = "agreed", _("Agreed")
    REFUSED = "refused", _("Refused")


class AppealOutcome(models.TextChoices):
    NONE = "", _("Not decided")
    UPHELD = "upheld", _("Upheld: decision changed")
    DISMISSED = "dismissed", _("Dismissed: decision stands")


class Application(TimeStamped):
    """A candidate's application to a call, from the first save to the decision and its appeal."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("training centre")
    )
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    first_name = models.CharField(_("first name(s)"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    national_id = models.CharField(_("national learner id"), max_length=30, blank=True)
    trade = models.CharField(_("trade"), max_length=120, blank=True)
    training_year = models.PositiveSmallIntegerField(
        _("year of training"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    language = models.CharField(_("language"), max_length=10, default="fr")
    is_apprentice = models.BooleanField(_("apprentice (employed by a company)"), default=False)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_contact_name = models.CharField(_("employer's contact"), max_length=200, blank=True)
    employer_email = models.EmailField(_("employer's e-mail"), blank=True)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    #: {"listening": "B1", …}: the candidate's self-assessment on the CEFR grid
    cefr = models.JSONField(_("language self-assessment"), default=dict, blank=True)
    consent_at = models.DateTimeField(_("consent to data processing"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    email_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    email_code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_code_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    employer_answer = models.CharField(
        _("employer's agreement"), max_length=10, choices=Answer.choices, blank=True
    )
    employer_answer_by = models.CharField(_("answered by"), max_length=200, blank=True)
    employer_answer_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    employer_reason = models.TextField(_("employer's reason"), blank=True)
    guardian_answer = models.CharField(
        _("guardian's agreement"), max_length=10, choices=Answer.choices, blank=True
    )
    guardian_answer_by = models.CharField(_("answered by"), max_length=200, blank=True)
    guardian_answer_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    fewer_opportunities = models.BooleanField(_("fewer opportunities"), default=False)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    place = models.ForeignKey(
        CallPlace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated",
        verbose_name=_("place"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    appeal_until = models.DateField(_("appeal until"), null=True, blank=True)
    appeal_text = models.TextField(_("appeal"), blank=True)
    appeal_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_outcome = models.CharField(
        _("appeal outcome"), max_length=10, choices=AppealOutcome.choices, blank=True
    )
    appeal_reason = models.TextField(_("reason for the appeal decision"), blank=True)
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    mobility = models.OneToOneField(
        Mobility, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "rank", "last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "email"], name="application_call_email_unique"),
            models.UniqueConstraint(
                fields=["call", "national_id"],
                condition=~Q(national_id=""),
                name="application_call_national_id_unique",
            ),
            models.UniqueConstraint(
                fields=["call", "learner"],
                condition=Q(learner__isnull=False),
                name="application_call_learner_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def is_minor_on(self, day: date) -> bool:
        return self.age_on(day) < 18


class Preference(models.Model):
    """A destination the candidate wants, ranked (1 = first choice)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="preferences")
    place = models.ForeignKey(CallPlace, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "place"], name="preference_place_unique"),
            models.UniqueConstraint(fields=["application", "rank"], name="preference_rank_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.place_id}"


class FileKind(models.TextChoices):
    CV = "cv", _("CV")
    LETTER = "letter", _("Motivation letter")


def application_upload_to(instance: ApplicationFile, filename: str) -> str:
    return f"applications/{instance.application.centre_id}/{instance.application_id}/{filename}"


class ApplicationFile(models.Model):
    """A file the call asks for, checked by content and size like every document."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    file = models.FileField(upload_to=application_upload_to)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="application_file_kind_unique")
        ]

    def __str__(self) -> str:
        return self.original_name


class Score(models.Model):
    """One referent's points on one criterion of one application, with a comment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    referent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "criterion", "referent"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "referent"], name="score_once_per_referent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class TokenRole(models.TextChoices):
    APPLICANT = "applicant", _("Candidate")
    EMPLOYER = "employer", _("Employer")
    GUARDIAN = "guardian", _("Guardian")


class ApplicationLink(models.Model):
    """A personal link to one application for the candidate, the employer or the guardian. Only the
    SHA-256 of its secret is stored; it is exchanged for a session on first use."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="links")
    role = models.CharField(max_length=10, choices=TokenRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.role} → {self.application_id}"


class CallNotice(models.Model):
    """An open call told to one eligible learner of its centres, by e-mail: once per call and learner.
    The address is the outbox's to keep (and the erasure's to delete), not this record's."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="notices")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="call_notices")
    language = models.CharField(_("language"), max_length=10)
    told_at = models.DateTimeField(_("told at"), auto_now_add=True)
    told_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("call told to a learner")
        verbose_name_plural = _("calls told to learners")
        ordering = ["call", "told_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "learner"], name="call_notice_once")]

    def __str__(self) -> str:
        return f"{self.call_id} → {self.learner_id}"
