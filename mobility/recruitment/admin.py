"""The operator's screen for calls (no candidate's data: applications are seen on the referent's pages)."""

from django.contrib import admin

from mobility.recruitment.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "centre", "status", "opens_on", "closes_on")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("public_key",)
    exclude = ("other_centres",)
