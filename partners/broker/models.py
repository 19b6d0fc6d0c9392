"""What the platform counts about its own recoveries: work published again, by kind and cause."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryCause(models.TextChoices):
    NEVER_PUBLISHED = "never_published", _("never published (broker unreachable)")
    RENDERER_DEAD = "renderer_dead", _("worker died while working on it")
    MESSAGE_LOST = "message_lost", _("message lost by the broker")
    STALE = "stale", _("waiting too long")


class Recovery(models.Model):
    """How many times work of one kind was published again for one cause, and when last."""

    kind = models.CharField(_("kind of work"), max_length=60)
    cause = models.CharField(_("cause"), max_length=30, choices=RecoveryCause.choices)
    count = models.PositiveIntegerField(_("times"), default=0)
    last_at = models.DateTimeField(_("last time"))

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [models.UniqueConstraint(fields=["kind", "cause"], name="recovery_kind_cause_unique")]
        ordering = ["kind", "cause"]

    def __str__(self) -> str:
        return f"{self.kind} / {self.cause}: {self.count}"
