"""Operators' view of certificates and document jobs: read-only, plus "publish again" for stuck jobs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from certification.services.jobs import _publish

from .models import Certificate, DocumentJob


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every change goes through the services (rules, audit): the admin only looks."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "version", "status", "centre", "issued_at", "superseded_at", "revoked_at")
    list_filter = ("status", "centre")
    search_fields = ("number",)
    date_hierarchy = "issued_at"
    exclude = ("content", "credential")


@admin.register(DocumentJob)
class DocumentJobAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "kind",
        "status",
        "centre",
        "attempts",
        "progress_done",
        "progress_total",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("error",)
    exclude = ("items",)
    actions = ["publish_again"]

    @admin.action(description=_("Publish again (the worker does nothing if it is already done)"))
    def publish_again(self, request: HttpRequest, queryset: QuerySet[DocumentJob]) -> None:
        published = sum(1 for pk in queryset.values_list("pk", flat=True) if _publish(pk))
        messages.info(request, _("%(count)s jobs published.") % {"count": published})
