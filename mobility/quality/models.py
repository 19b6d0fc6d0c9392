"""The participant's end-of-stay report: the questions (data, per network), one report per mobility and
its answers."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import TranslatedLabelMixin
from mobility.guests.models import AccessLink
from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import Organisation

#: Ratings go from 1 (poor) to this (excellent).
RATING_MAX = 5


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating from 1 to 5")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


class ReportQuestion(TranslatedLabelMixin):
    """One question of the end-of-stay report. Without a network it is asked of every participant;
    with one, of the participants of that network's centres (an administrator adds it in the admin)."""

    network = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_questions",
        verbose_name=_("network"),
        help_text=_("Empty: asked of every participant."),
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    required = models.BooleanField(_("answer required"), default=True)
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("end-of-stay question")
        verbose_name_plural = _("end-of-stay questions")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(network__isnull=True), name="report_question_code_unique"
            ),
            models.UniqueConstraint(
                fields=["network", "code"],
                condition=Q(network__isnull=False),
                name="report_question_network_code_unique",
            ),
        ]


class ParticipantReport(models.Model):
    """The end-of-stay report of one mobility: sent by the participant's link on the end date,
    reminded, answered once."""

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="participant_report")
    link = models.ForeignKey(
        AccessLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    language = models.CharField(_("answered in"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("end-of-stay report")
        verbose_name_plural = _("end-of-stay reports")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.mobility}: {self.status}"

    @property
    def status(self) -> str:
        return ReportStatus.ANSWERED if self.answered_at else ReportStatus.SENT


class ReportStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("Not sent")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")


class ReportAnswer(models.Model):
    report = models.ForeignKey(ParticipantReport, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ReportQuestion, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(RATING_MAX)]
    )
    yes_no = models.BooleanField(_("yes or no"), null=True, blank=True)
    text = models.TextField(_("comment"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["report", "question"], name="report_answer_one_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=RATING_MAX),
                name="report_answer_rating_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.question_id}"


# --- The EQAMOB-style checklist a referent fills after a placement --------------------------------
class CheckItem(TranslatedLabelMixin):
    """One point of the placement checklist (data: an administrator adds their network's in the admin)."""

    network = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="check_items",
        verbose_name=_("network"), help_text=_("Empty: on every checklist."),
    )  # fmt: skip
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("quality checklist item")
        verbose_name_plural = _("quality checklist items")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(network__isnull=True), name="check_item_code_unique"
            ),
        ]


class CheckAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class PlacementCheck(models.Model):
    """The referent's quality checklist of one placement, about its host."""

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="placement_check")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="placement_checks")
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    filled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filled_at = models.DateTimeField(_("filled in at"), default=timezone.now)

    class Meta:
        verbose_name = _("placement quality checklist")
        verbose_name_plural = _("placement quality checklists")
        ordering = ["-filled_at"]

    def __str__(self) -> str:
        return f"{self.mobility}: {self.organisation}"


class PlacementCheckAnswer(models.Model):
    check_list = models.ForeignKey(PlacementCheck, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=3, choices=CheckAnswer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_list", "item"], name="placement_check_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.check_list_id}/{self.item_id}: {self.answer}"
