"""The administrator's read-only screen of the recoveries: work published again, by kind and cause."""

from __future__ import annotations

from django.contrib import admin

from partners.audit.admin import ReadOnlyAdmin
from partners.broker.models import Recovery


@admin.register(Recovery)
class RecoveryAdmin(ReadOnlyAdmin):
    list_display = ["kind", "cause", "count", "last_at"]
    list_filter = ["cause", "kind"]
