from django.contrib import admin

from partners.quality.models import HostStatus, QualityLabel


@admin.register(HostStatus)
class HostStatusAdmin(admin.ModelAdmin):
    list_display = ("organisation", "status", "set_by", "set_at")
    list_filter = ("status",)


@admin.register(QualityLabel)
class QualityLabelAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "issuer", "awarded_on", "expires_on")
