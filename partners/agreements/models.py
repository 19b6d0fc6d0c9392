"""Partnership agreements (memoranda of understanding) between organisations, with a signed copy."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.directory.models import Organisation, TimeStamped


def agreement_upload_to(instance: PartnershipAgreement, filename: str) -> str:
    return f"agreements/{instance.owner_centre_id}/{timezone.now():%Y%m}/{filename}"


class PartnershipAgreement(TimeStamped):
    """A memorandum of understanding between the centre and partner organisations."""

    owner_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_agreements", verbose_name=_("centre")
    )
    partners = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("partners"))
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    scope = models.TextField(_("scope"), blank=True, help_text=_("Trades and qualifications covered."))
    signed_copy = models.FileField(_("signed copy"), upload_to=agreement_upload_to, blank=True)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})

    def state_on(self, day: date) -> str:
        """Upcoming, current, expiring (ends within EXPIRY_NOTICE_DAYS) or expired on ``day``."""
        if self.valid_until < day:
            return "expired"
        if self.valid_from > day:
            return "upcoming"
        if (self.valid_until - day).days <= EXPIRY_NOTICE_DAYS:
            return "expiring"
        return "current"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())


#: Agreements ending within this many days are listed for the referent.
EXPIRY_NOTICE_DAYS = 60
