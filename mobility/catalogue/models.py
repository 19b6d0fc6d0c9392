"""The editable catalogues every network starts from: activity types (with their checklist templates),
document types, and the labels they carry in each language.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from partners.directory.models import Organisation


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


class CredentialActivityType(models.TextChoices):
    """The EU's learning activity types (Europass controlled list), as the digital credential names them."""

    INTERNSHIP = "http://data.europa.eu/snb/learning-activity/bf5588ff84", _("internship")
    APPRENTICESHIP = "http://data.europa.eu/snb/learning-activity/d46a826a39", _("apprenticeship")
    JOB_EXPERIENCE = "http://data.europa.eu/snb/learning-activity/4357e0e681", _("job experience")
    WORKSHOP = "http://data.europa.eu/snb/learning-activity/efff75e10a", _("workshop, seminar or conference")
    CLASSROOM = "http://data.europa.eu/snb/learning-activity/ff436ea7c9", _("classroom coursework")
    PRACTICE = (
        "http://data.europa.eu/snb/learning-activity/3c8bd58d62",
        _("lab / simulation / practice coursework"),
    )
    PROGRAMME = "http://data.europa.eu/snb/learning-activity/fd33e234ae", _("educational programme")
    VOLUNTEERING = "http://data.europa.eu/snb/learning-activity/59eaf34fab", _("volunteering")


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
    credential_activity_type = models.CharField(
        _("learning activity type (digital credential)"),
        max_length=80,
        blank=True,
        choices=CredentialActivityType.choices,
        help_text=_("Empty: an internship for learners, a job experience for staff."),
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
