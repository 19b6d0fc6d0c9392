"""Personal links for people without an account (host tutors, learners, sending employers) and the
tutor's answer to the placement.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import Contact


# --- Outside people: tutors, learners, employers ----------------------------------------------
class GuestRole(models.TextChoices):
    TUTOR = "tutor", _("Host tutor")
    LEARNER = "learner", _("Learner")
    EMPLOYER = "employer", _("Sending employer")


class AccessLink(models.Model):
    """A scoped invitation for someone without an account: one person, one mobility, one role.

    The link's key is ``lookup`` (public, names the link) followed by a secret. Only SHA-256 hashes of
    secrets are stored: the secret itself is made when the e-mail carrying it is delivered and exists
    in that e-mail alone. Every e-mail (invitation, re-send, reminder) carries a fresh secret; earlier
    ones keep working until the link expires or is revoked, so an older e-mail never breaks.
    """

    mobility = models.ForeignKey(Mobility, on_delete=models.CASCADE, related_name="access_links")
    role = models.CharField(_("for"), max_length=10, choices=GuestRole.choices)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="access_links"
    )
    learner = models.ForeignKey(
        Learner, null=True, blank=True, on_delete=models.CASCADE, related_name="access_links"
    )
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=10)
    lookup = models.CharField(max_length=12, unique=True, editable=False)
    #: hash of the secret of the latest e-mail (empty until the first e-mail is delivered)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    #: hashes of the secrets of earlier e-mails, still valid (newest first, bounded)
    earlier_token_hashes = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_used_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("e-mails sent"), default=0)
    #: when the referent was last told that someone tried a dead copy of this link (one notice a day)
    problem_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(learner__isnull=False), name="access_link_has_person"
            ),
            models.UniqueConstraint(
                fields=["mobility", "role", "contact"],
                condition=Q(revoked_at__isnull=True, contact__isnull=False),
                name="access_link_live_contact_unique",
            ),
            models.UniqueConstraint(
                fields=["mobility", "role", "learner"],
                condition=Q(revoked_at__isnull=True, contact__isnull=True),
                name="access_link_live_learner_unique",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="access_link_email_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} → {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def audit_label(self) -> str:
        """How the audit log names whoever used this link: a learner by role only (the log is
        append-only and outlives an erasure), anyone else by name."""
        if self.role == GuestRole.LEARNER:
            from django.conf import settings
            from django.utils import translation

            with translation.override(settings.LANGUAGE_CODE):
                return str(GuestRole(self.role).label)
        return self.person_name

    @property
    def person_name(self) -> str:
        if self.contact_id:
            return self.contact.full_name
        if self.role == GuestRole.EMPLOYER and self.learner_id and self.learner.employer_id:
            return self.learner.employer.display_name
        return self.learner.full_name if self.learner_id else self.email


class HostConfirmation(models.Model):
    """The host tutor's answer to "is this placement on, on these dates?".

    ``confirmed_start``/``confirmed_end`` are the dates the tutor saw: when the referent changes
    the dates afterwards, the confirmation no longer holds and the tutor is asked again.
    """

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="host_confirmation")
    dates_confirmed = models.BooleanField(_("dates confirmed"))
    confirmed_start = models.DateField(_("start shown"))
    confirmed_end = models.DateField(_("end shown"))
    proposed_start = models.DateField(_("start proposed by the host"), null=True, blank=True)
    proposed_end = models.DateField(_("end proposed by the host"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("host confirmation")
        verbose_name_plural = _("host confirmations")

    def __str__(self) -> str:
        return f"{self.mobility}: {'ok' if self.dates_confirmed else 'other dates'}"

    def holds_for(self, mobility: Mobility) -> bool:
        """Whether the answer is about the mobility's current dates."""
        return (
            self.dates_confirmed
            and self.confirmed_start == mobility.planned_start
            and self.confirmed_end == mobility.planned_end
        )
