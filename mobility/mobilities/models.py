"""Mobilities — one participant's stay abroad (or hosted here) — and the groups that travel together."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mobility.catalogue.models import ActivityType
from mobility.learners.models import Learner
from mobility.projects.models import Project
from partners.directory.models import Contact, Organisation, TimeStamped

#: What a referent records about a group of mobilities (the form and the services).
GROUP_FIELDS = (
    "name",
    "project",
    "activity_type",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "accompanying_persons",
    "notes",
)


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


#: What a referent (or the API, or an import) records about a mobility; the services take only these.
MOBILITY_FIELDS = (
    "participant",
    "project",
    "activity_type",
    "direction",
    "group",
    "is_accompanying_person",
    "sending_organisation",
    "host_organisation",
    "intermediary",
    "host_tutor",
    "accompanying_person",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "travel_days",
    "green_travel",
    "distance_band",
    "interruption_days",
    "main_language",
    "notes",
)


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
