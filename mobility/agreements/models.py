"""Learning agreements: objectives, learning outcomes and units assessed abroad, and the parties'
signatures (in the platform or on paper with a scan). A change after signature makes a new version.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.learners.models import Unit
from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import TimeStamped

#: What a learning agreement says (the services write these; the form all but the translations).
AGREEMENT_FIELDS = (
    "language",
    "objectives",
    "tasks",
    "hours_per_week",
    "working_schedule",
    "assessor",
    "assessment_method",
    "assessment_timing",
    "recognition_arrangements",
    "placement_language",
    "translations",
)


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
