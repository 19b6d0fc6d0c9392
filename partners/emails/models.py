"""E-mails the platform sends, rendered in the recipient's language; the row is the truth."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.accounts.models import User
from partners.directory.models import Organisation


# --- Outgoing e-mail --------------------------------------------------------------------------
class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """One e-mail the platform sends, rendered in the recipient's language and delivered by a worker.

    The row is the truth: a broker outage delays delivery, it never loses the message. Rows that
    belong to a mobility (``related_type``/``related_id``) make up its visible outbox.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    to = models.EmailField(_("to"))
    to_name = models.CharField(_("recipient"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    centre = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_type = models.CharField(max_length=60, blank=True)
    related_id = models.CharField(max_length=40, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Marks the placeholders the message's templates wrote; text that only looks like one stays as is.
    nonce = models.CharField(max_length=32, blank=True, editable=False)
    #: The secrets the message may carry, as ``[kind, reference]`` pairs bound when it was queued.
    placeholders = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["related_type", "related_id"], name="email_related_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
