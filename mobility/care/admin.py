"""Administrators keep the emergency numbers of the countries outside the EU's 112."""

from django.contrib import admin

from mobility.care.models import EmergencyNumber


@admin.register(EmergencyNumber)
class EmergencyNumberAdmin(admin.ModelAdmin):
    list_display = ("country", "number", "note")
    search_fields = ("country", "number")
