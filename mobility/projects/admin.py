"""The operator's screen for projects."""

from django.contrib import admin

from mobility.projects.models import Project


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
