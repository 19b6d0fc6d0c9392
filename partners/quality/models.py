"""An organisation's quality status (recommended / to watch / not to use, with the reason and who set it)
and the quality labels it holds (name, issuer, date, expiry, scan)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped

#: Labels ending within this many days are listed on the dashboard (like agreements).
LABEL_NOTICE_DAYS = 60


class HostStatusChoice(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    WATCH = "watch", _("To watch")
    AVOID = "avoid", _("Not to use")


class HostStatus(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="quality_status")
    status = models.CharField(_("quality status"), max_length=12, choices=HostStatusChoice.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("quality status")
        verbose_name_plural = _("quality statuses")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.status}"

    @property
    def is_warning(self) -> bool:
        return self.status in (HostStatusChoice.WATCH, HostStatusChoice.AVOID)


def label_upload_to(instance: QualityLabel, filename: str) -> str:
    return f"labels/{instance.organisation_id}/{timezone.now():%Y%m}/{filename}"


class QualityLabel(TimeStamped):
    """A quality label or certificate the organisation holds (EQAMOB, ISO 9001, a chamber's label…)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="quality_labels")
    name = models.CharField(_("label"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=200)
    awarded_on = models.DateField(_("awarded on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=label_upload_to, blank=True)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("quality label")
        verbose_name_plural = _("quality labels")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("awarded_on")),
                name="quality_label_expiry_after_award",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_valid(self) -> bool:
        return self.expires_on is None or self.expires_on >= timezone.localdate()
