"""Certificates and the document jobs that render them.

The database rows are the truth: a job row records what was asked, what happened (attempts,
error, progress) and where the file is; the broker only carries the job id to a worker.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mobility.agreements.models import LearningAgreement
from mobility.mobilities.models import Mobility, MobilityGroup
from mobility.projects.models import Project
from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped


class CertificateStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Issued")
    FAILED = "failed", _("Failed")
    REVOKED = "revoked", _("Revoked")


#: A certificate being produced: at most one per mobility at a time.
PENDING_STATUSES = (CertificateStatus.REQUESTED, CertificateStatus.RENDERING, CertificateStatus.FAILED)


def certificate_upload_to(instance: Certificate, filename: str) -> str:
    return f"certificates/{instance.centre_id}/{filename}"


class Certificate(TimeStamped):
    """A Europass-Mobility-style record of one mobility. A reissue is a new row (new number, next
    version); the previous one stays verifiable as superseded.

    ``content`` is the data the document was built from, frozen when it was issued: a re-render
    after a crash prints the same facts, and a correction goes through a reissue.
    """

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mobility = models.ForeignKey(Mobility, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    languages = models.JSONField(_("languages"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.REQUESTED
    )
    content = models.JSONField(_("content"), default=dict, editable=False)
    credential = models.JSONField(_("digital credential (JSON-LD)"), default=dict, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=certificate_upload_to, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    sealed_credential = models.TextField(_("sealed credential (JAdES)"), blank=True, editable=False)
    seal_subject = models.CharField(_("sealed with"), max_length=250, blank=True, editable=False)
    sealed_with_demo = models.BooleanField(
        _("sealed with a demonstration key"), default=False, editable=False
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )
    reissue_reason = models.TextField(_("reason for the reissue"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revoked by")
    )
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["mobility", "-version"]
        indexes = [models.Index(fields=["centre", "status"], name="certificate_centre_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["mobility", "version"], name="certificate_version_unique"),
            # One certificate in production per mobility: a double click issues one, not two.
            models.UniqueConstraint(
                fields=["mobility"],
                condition=Q(status__in=["requested", "rendering", "failed"]),
                name="certificate_one_pending_per_mobility",
            ),
            # One valid certificate per mobility: the previous one is superseded before the next is ready.
            models.UniqueConstraint(
                fields=["mobility"],
                condition=Q(status="ready", superseded_at__isnull=True),
                name="certificate_one_valid_per_mobility",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.READY and self.superseded_at is None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def verification_status(self) -> str:
        """What a verifier is told: valid, superseded or revoked (anything else was never issued)."""
        if self.status == CertificateStatus.REVOKED:
            return "revoked"
        if self.status == CertificateStatus.READY:
            return "superseded" if self.superseded_at else "valid"
        return "not_issued"

    @property
    def holder_name(self) -> str:
        holder = self.content.get("holder", {})
        return f"{holder.get('first_name', '')} {holder.get('last_name', '')}".strip()


class JobKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LEARNING_AGREEMENT = "learning_agreement", _("Learning agreement")
    ATTENDANCE = "attendance", _("Attendance certificate")
    GRANT_AGREEMENT = "grant_agreement", _("Participant's grant agreement")
    APPRENTICE_AGREEMENT = "apprentice_agreement", _("Apprentice's mobility agreement")
    BUNDLE_ZIP = "bundle_zip", _("Certificates (ZIP)")
    BUNDLE_PDF = "bundle_pdf", _("Certificates (one PDF)")


BUNDLE_KINDS = (JobKind.BUNDLE_ZIP, JobKind.BUNDLE_PDF)


class JobStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def job_upload_to(instance: DocumentJob, filename: str) -> str:
    return f"documents/{instance.centre_id}/{instance.pk}/{filename}"


class QueuedWork(TimeStamped):
    """What every row handed to a worker records: who asked, when it was published, started, finished."""

    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class DocumentJob(QueuedWork):
    """One requested render. Requested → rendering → ready, or failed with the reason."""

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.REQUESTED, db_index=True
    )
    # What the job renders: exactly the field its kind needs.
    certificate = models.OneToOneField(
        Certificate, null=True, blank=True, on_delete=models.CASCADE, related_name="job"
    )
    mobility = models.ForeignKey(
        Mobility, null=True, blank=True, on_delete=models.CASCADE, related_name="document_jobs"
    )
    agreement = models.ForeignKey(
        LearningAgreement, null=True, blank=True, on_delete=models.CASCADE, related_name="document_jobs"
    )
    group = models.ForeignKey(
        MobilityGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="document_jobs"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="document_jobs"
    )
    items = models.JSONField(_("items"), default=list, blank=True, help_text=_("Mobility ids of a bundle."))
    language = models.CharField(_("language"), max_length=10, default="en")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=1)
    file = models.FileField(_("file"), upload_to=job_upload_to, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "-created_at"], name="job_centre_created_idx"),
            models.Index(fields=["status", "published_at"], name="job_status_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="certificate", certificate__isnull=False)
                    | Q(kind="learning_agreement", agreement__isnull=False)
                    | Q(
                        kind__in=["attendance", "grant_agreement", "apprentice_agreement"],
                        mobility__isnull=False,
                    )
                    | Q(kind__in=["bundle_zip", "bundle_pdf"], group__isnull=False)
                    | Q(kind__in=["bundle_zip", "bundle_pdf"], project__isnull=False)
                ),
                name="job_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (JobStatus.REQUESTED, JobStatus.RENDERING)

    @property
    def is_bundle(self) -> bool:
        return self.kind in BUNDLE_KINDS

    @property
    def percent(self) -> int:
        if self.status == JobStatus.READY:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class IssueStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting")
    ISSUING = "issuing", _("Issuing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class GroupIssue(QueuedWork):
    """A request to issue the certificates of a large group, carried out by a worker.

    The row is the truth, as for a document job: published on commit, published again by the sweeper
    when the broker lost it, and run once whatever the number of deliveries.
    """

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(MobilityGroup, on_delete=models.CASCADE, related_name="certificate_issues")
    bilingual = models.BooleanField(_("bilingual"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.REQUESTED, db_index=True
    )
    total = models.PositiveIntegerField(_("certificates to issue"), default=0)
    issued = models.PositiveIntegerField(_("certificates issued"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("certificates of a group")
        verbose_name_plural = _("certificates of groups")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (IssueStatus.REQUESTED, IssueStatus.ISSUING)
