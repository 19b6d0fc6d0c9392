"""Administrators edit the end-of-stay questions (and add their network's) without a deployment."""

from django.contrib import admin

from mobility.quality.models import CheckItem, ReportQuestion


@admin.register(ReportQuestion)
class ReportQuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "network", "order", "required", "active")
    list_filter = ("kind", "active", "network")
    search_fields = ("code", "name")


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "network", "order", "active")
    list_filter = ("active", "network")
