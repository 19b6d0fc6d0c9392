"""After the placement: the tutor's evaluation (per outcome and Europass skill section), the learner's
self-assessment, the employer's feedback, the centre's recognition, and the reminders sent to tutors.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.agreements.models import AgreementOutcome
from mobility.guests.models import AccessLink
from mobility.learners.models import Unit
from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import Contact, TimeStamped


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
