"""Import batches, export jobs and the Erasmus+ file's column mapping: the rows are the truth, files are
kept for ``DATA_FILES_KEEP_DAYS``.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped


class ImportKind(models.TextChoices):
    LEARNERS = "learners", _("Learners")
    ORGANISATIONS = "organisations", _("Host companies and tutors")
    MOBILITIES = "mobilities", _("Mobilities")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWING = "previewing", _("Checking")
    PREVIEWED = "previewed", _("Ready to import")
    CONFIRMED = "confirmed", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


def import_upload_to(instance: ImportBatch, filename: str) -> str:
    # A random folder: never guessable, and never served publicly anyway.
    return f"imports/{instance.centre_id}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class ImportBatch(TimeStamped):
    """One uploaded file: checked (preview), then imported all or nothing once confirmed."""

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("training centre")
    )
    kind = models.CharField(_("what"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED, db_index=True
    )
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("separator"), max_length=1, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("outcome counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    skip_errors = models.BooleanField(_("skip the rows in error"), default=False)
    language = models.CharField(_("language"), max_length=10, default="en")
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["centre", "created_at"], name="import_centre_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.CONFIRMED)

    @property
    def encoding_label(self) -> str:
        return {"utf-8": "UTF-8", "utf-8-sig": _("UTF-8 with BOM"), "cp1252": "Windows-1252"}.get(
            self.encoding, self.encoding
        )

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and not self.report.get("file_errors")


class ExportKind(models.TextChoices):
    LEARNERS = "learners", _("Learners")
    ORGANISATIONS = "organisations", _("Organisations")
    MOBILITIES = "mobilities", _("Mobilities")
    EVALUATIONS = "evaluations", _("Evaluations")
    STATISTICS = "statistics", _("Mobilities for statistics (no direct identifiers)")
    REPORT = "report", _("Activity report")
    ERASMUS = "erasmus", _("Erasmus+ Beneficiary Module file")
    EMERGENCY = "emergency_sheet", _("Emergency sheet (who is abroad)")
    SELECTION = "selection_report", _("Selection report of a call")


class ExportStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def export_upload_to(instance: ExportJob, filename: str) -> str:
    return f"exports/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class ExportJob(models.Model):
    """One requested export file: written by a worker (or at once when small), downloaded by its owner."""

    kind = models.CharField(_("what"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    scope_label = models.CharField(_("scope"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExportStatus.choices,
        default=ExportStatus.REQUESTED,
        db_index=True,
    )
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_file_format_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.REQUESTED, ExportStatus.RUNNING)


# --- Erasmus+ Beneficiary Module mapping -------------------------------------------------------
#: What a column of the Beneficiary Module file can be filled from (our vocabulary → REFERENCE.md).
ERASMUS_SOURCES: tuple[tuple[str, str], ...] = (
    ("constant", _("A fixed value")),
    ("empty", _("Left empty")),
    ("grant_agreement_number", _("Project: grant agreement number")),
    ("mobility_activity_id", _("Mobility activity ID (our reference)")),
    ("activity_type", _("Activity type (Erasmus+ code)")),
    ("long_term", _("Long-term activity (yes/no)")),
    ("force_majeure", _("Force majeure (yes/no)")),
    ("force_majeure_explanation", _("Force majeure explanation")),
    ("blended", _("Blended mobility (yes/no)")),
    ("participant_id", _("Participant ID")),
    ("first_name", _("First name(s)")),
    ("last_name", _("Last name")),
    ("email", _("E-mail")),
    ("gender", _("Gender")),
    ("date_of_birth", _("Date of birth")),
    ("nationality", _("Nationality")),
    ("fewer_opportunities", _("Participant with fewer opportunities (yes/no)")),
    ("accompanying_person", _("Accompanying person (yes/no)")),
    ("recent_graduate", _("Recent graduate (yes/no)")),
    ("sending_organisation_oid", _("Sending organisation OID")),
    ("sending_organisation_name", _("Sending organisation name")),
    ("receiving_organisation_oid", _("Receiving organisation OID")),
    ("receiving_organisation_pic", _("Receiving organisation PIC")),
    ("receiving_organisation_name", _("Receiving organisation name")),
    ("receiving_country", _("Receiving country")),
    ("receiving_city", _("Receiving city")),
    ("sending_country", _("Sending country")),
    ("start_date", _("Start date")),
    ("end_date", _("End date")),
    ("duration_days", _("Duration (days, travel excluded)")),
    ("interruption_days", _("Interruption days")),
    ("funded_duration", _("Funded duration incl. travel days")),
    ("travel_days", _("Travel days")),
    ("green_travel", _("Green travel (yes/no)")),
    ("distance_band", _("Distance band")),
    ("main_language", _("Main language of the activity")),
    ("qualification_eqf", _("EQF level of the qualification")),
    ("certification_type", _("Certification type (Europass Mobility when certified)")),
    ("data_type", _("Data type (mobility, itinerary or certification row)")),
    ("field_of_education", _("Field of education (ISCED-F of the qualification)")),
    ("certifying_organisation", _("Certifying organisation (OID of the sending organisation)")),
)

#: The rows of the Module's file: a mobility's own row, then its sub-rows.
ROW_KINDS = ("mobility", "itinerary", "certification")


def erasmus_source_choices() -> list[tuple[str, str]]:
    return list(ERASMUS_SOURCES)


class CountryFormat(models.TextChoices):
    CODE = "code", _("Two-letter code (ES)")
    NAME = "name", _("English name (Spain)")


class ErasmusMapping(TimeStamped):
    """How our mobilities become the rows of the Beneficiary Module's import file.

    The template changes between releases: an administrator edits the columns (or adds a mapping
    for the new release and makes it the default) without a new version of the platform.
    """

    name = models.CharField(_("name"), max_length=120)
    release = models.CharField(
        _("template release"), max_length=60, blank=True, help_text=_("As the Beneficiary Module names it.")
    )
    is_default = models.BooleanField(_("default mapping"), default=False)
    date_format = models.CharField(
        _("date format"),
        max_length=20,
        default="%d/%m/%Y",
        help_text=_("strftime codes: %d/%m/%Y, %Y-%m-%d…"),
    )
    yes_value = models.CharField(_("text for yes"), max_length=20, default="Yes")
    no_value = models.CharField(_("text for no"), max_length=20, default="No")
    country_format = models.CharField(
        _("countries as"), max_length=5, choices=CountryFormat.choices, default=CountryFormat.CODE
    )
    delimiter = models.CharField(
        _("CSV separator"), max_length=1, default=";", choices=[(";", ";"), (",", ","), ("\t", "Tab")]
    )
    data_type_mobility = models.CharField(_("data type of a mobility row"), max_length=40, default="Mobility")
    data_type_itinerary = models.CharField(
        _("data type of an itinerary sub-row"), max_length=40, default="Itinerary"
    )
    data_type_certification = models.CharField(
        _("data type of a certification sub-row"), max_length=40, default="Certification"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("Erasmus+ column mapping")
        verbose_name_plural = _("Erasmus+ column mappings")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="erasmus_mapping_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.release})" if self.release else self.name

    def clean(self) -> None:
        super().clean()
        from datetime import date

        try:
            date(2024, 12, 31).strftime(self.date_format)
        except ValueError as exc:
            raise ValidationError({"date_format": _("This is not a valid date format.")}) from exc


class ErasmusColumn(models.Model):
    mapping = models.ForeignKey(ErasmusMapping, on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    header = models.CharField(_("column header"), max_length=120)
    source = models.CharField(_("filled from"), max_length=40, choices=erasmus_source_choices)
    constant = models.CharField(_("fixed value"), max_length=200, blank=True)
    required = models.BooleanField(
        _("required"), default=False, help_text=_("A mobility with this column empty would be rejected.")
    )
    rows = models.CharField(
        _("filled on"),
        max_length=40,
        default="mobility",
        help_text=_("The rows that carry this column, comma-separated: mobility, itinerary, certification."),
    )

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["mapping", "order", "id"]

    def __str__(self) -> str:
        return self.header

    @property
    def row_kinds(self) -> set[str]:
        return {kind.strip() for kind in self.rows.split(",") if kind.strip()}

    def clean(self) -> None:
        super().clean()
        unknown = self.row_kinds - set(ROW_KINDS)
        if unknown or not self.row_kinds:
            raise ValidationError({"rows": _("Use mobility, itinerary or certification, comma-separated.")})
