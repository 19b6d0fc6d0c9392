"""What happens around a mobility: checklist tasks (the five steps, with due dates) and follow-ups
during the placement.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import Assignee, ChecklistTemplateItem, DocumentType, Step
from mobility.mobilities.models import Mobility
from partners.accounts.models import User


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
