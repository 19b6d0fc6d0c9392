"""Erasmus+ (and other) projects: the grant agreement that funds mobilities, its call year and dates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.directory.models import Organisation, TimeStamped

grant_number_validator = RegexValidator(
    r"^\d{4}-\d-[A-Z]{2}\d{2}-KA\d{3}(-[A-Z]{2,4})?-\d{6,9}$",
    _("A grant agreement number looks like 2020-1-FR01-KA202-080445 or 2024-1-FR01-KA121-VET-000123456."),
)


#: What a referent records about a project (the form and the services).
PROJECT_FIELDS = (
    "title",
    "programme",
    "grant_agreement_number",
    "key_action",
    "call_year",
    "start_date",
    "end_date",
    "budget_lines",
)


class Project(TimeStamped):
    """A funded project (an Erasmus+ grant agreement or another programme) that mobilities count towards."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("beneficiary"),
        help_text=_("The centre or chamber holding the grant."),
    )
    title = models.CharField(_("title"), max_length=250)
    programme = models.CharField(_("programme"), max_length=80, default="Erasmus+")
    grant_agreement_number = models.CharField(
        _("grant agreement number"), max_length=40, blank=True, validators=[grant_number_validator]
    )
    key_action = models.CharField(
        _("key action"), max_length=20, blank=True, help_text=_("KA121, KA122, KA202…")
    )
    call_year = models.PositiveSmallIntegerField(
        _("call year"), null=True, blank=True, validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    budget_lines = models.JSONField(
        _("budget lines"),
        default=list,
        blank=True,
        help_text=_("Lines used for reporting: code, label, amount."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="project_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["grant_agreement_number"],
                condition=~Q(grant_agreement_number=""),
                name="project_grant_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_agreement_number} — {self.title}" if self.grant_agreement_number else self.title

    def clean(self) -> None:
        super().clean()
        self.grant_agreement_number = (self.grant_agreement_number or "").strip().upper()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The project ends before it starts.")})
