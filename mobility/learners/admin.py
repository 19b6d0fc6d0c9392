"""The operator's screens for the qualification catalogue and its units."""

from django.contrib import admin

from mobility.learners.models import Qualification, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 1
    fields = ("order", "code", "title", "suggested_outcomes")


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("diploma", "title", "code", "eqf_level", "isced_f", "country", "network", "is_active")
    list_filter = ("diploma", "eqf_level", "is_active")
    search_fields = ("title", "code", "trade")
    inlines = [UnitInline]
