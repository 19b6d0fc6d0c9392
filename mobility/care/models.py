"""Incidents recorded on a mobility, and the emergency numbers of the countries (112 in the EU)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import TimeStamped


class IncidentKind(models.TextChoices):
    ACCIDENT = "accident", _("Accident or injury")
    ILLNESS = "illness", _("Illness")
    BEHAVIOUR = "behaviour", _("Behaviour or discipline")
    THEFT = "theft", _("Theft or loss")
    PLACEMENT = "placement", _("Problem at the host")
    ACCOMMODATION = "accommodation", _("Problem with the accommodation")
    TRAVEL = "travel", _("Travel, strike or transport")
    EVENT = "event", _("Natural event or crisis in the host area")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Incident(TimeStamped):
    """Something that happened during a stay, what was done and who was told."""

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what happened"), max_length=4000)
    actions = models.TextField(_("actions taken"), max_length=4000, blank=True)
    informed = models.TextField(
        _("who was informed and when"), max_length=2000, blank=True,
        help_text=_("For example: host tutor 14:10 by phone, referent 14:30, insurer 15:00."),
    )  # fmt: skip
    guardians_informed_at = models.DateTimeField(_("guardians informed at"), null=True, blank=True)
    led_to_interruption = models.BooleanField(_("led to the interruption of the mobility"), default=False)
    closed_at = models.DateTimeField(_("followed up and closed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: when the centre's referents and administrators were e-mailed about a serious incident
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.mobility} {self.get_kind_display()} {self.occurred_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EmergencyNumber(models.Model):
    """The emergency number of a country outside the EU's 112 (or a second number worth knowing)."""

    country = CountryField(_("country"), unique=True)
    number = models.CharField(_("emergency number"), max_length=40)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("emergency number")
        verbose_name_plural = _("emergency numbers")
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.country}: {self.number}"
