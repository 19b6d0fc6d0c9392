"""The catalogues administrators edit: activity types (with their checklist), document types,
qualifications (with their units) and projects.

Learners' data stays out of the Django admin: it is read and changed only through the scoped
pages and services, where tenancy, validation and the audit log apply.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import admin_data  # noqa: F401  (imports, exports, Erasmus+ mapping)
from .models import ActivityType, ChecklistTemplateItem, DocumentType, Project, Qualification, Unit


class ChecklistTemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 0
    fields = ("order", "step", "name", "days", "anchor", "assignee", "document_type", "name_translations")
    ordering = ("order", "id")


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "participant_kind",
        "min_days",
        "max_days",
        "is_erasmus",
        "network",
        "is_active",
    )
    list_filter = ("participant_kind", "is_erasmus", "is_active")
    search_fields = ("name", "code", "erasmus_code")
    filter_horizontal = ("required_documents",)
    inlines = [ChecklistTemplateItemInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "name",
                    "name_translations",
                    "participant_kind",
                    "network",
                    "is_active",
                    "order",
                )
            },
        ),
        (_("Rules"), {"fields": ("min_days", "max_days", "long_term_from_days", "followup_every_days")}),
        (_("Erasmus+"), {"fields": ("is_erasmus", "erasmus_code")}),
        (_("Preparation"), {"fields": ("required_documents", "guidance")}),
    )


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "required_for_minors_only", "retention_days", "order")
    search_fields = ("name", "code")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 1
    fields = ("order", "code", "title", "suggested_outcomes")


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("diploma", "title", "code", "eqf_level", "country", "network", "is_active")
    list_filter = ("diploma", "eqf_level", "is_active")
    search_fields = ("title", "code", "trade")
    inlines = [UnitInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "grant_agreement_number",
        "key_action",
        "call_year",
        "organisation",
        "start_date",
        "end_date",
    )
    list_filter = ("key_action", "call_year")
    search_fields = ("title", "grant_agreement_number")
    raw_id_fields = ("organisation",)
