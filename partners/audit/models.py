"""The append-only audit log: who did what to which object, from where."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.accounts.models import User
from partners.directory.models import Organisation


# --- Audit log --------------------------------------------------------------------------------
class AuditEntry(models.Model):
    """Who did what, when, to which object. Append-only (a PostgreSQL trigger refuses changes).

    Never holds a learner's personal data itself: objects are named by type and id, and changed
    fields by name, so that erasing a learner leaves nothing here to erase.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    centre = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # a person's recent entries of one kind: the hourly export budget reads its list pages
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
