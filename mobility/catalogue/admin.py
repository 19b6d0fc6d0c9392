"""The operator's screens for the catalogues: activity types with their checklist templates, document types."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import ActivityType, ChecklistTemplateItem, DocumentType


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
        (_("Erasmus+"), {"fields": ("is_erasmus", "erasmus_code", "credential_activity_type")}),
        (_("Preparation"), {"fields": ("required_documents", "guidance")}),
    )


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "required_for_minors_only", "retention_days", "order")
    search_fields = ("name", "code")
