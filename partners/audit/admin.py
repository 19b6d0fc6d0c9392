"""The operator's read-only screens, and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from partners.audit.models import AuditEntry
from partners.audit.services import audit_record


class AuditedAdmin(admin.ModelAdmin):
    """Writes our audit entry for each add, change and deletion made in the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="admin.change" if change else "admin.add",
            actor=request.user,
            target=obj,
            data={"changes": dict.fromkeys(form.changed_data)},
            request=request,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(action="admin.delete", actor=request.user, target=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(action="admin.delete", actor=request.user, target=obj, request=request)
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "action"]
    date_hierarchy = "at"
