"""The operator's read-only screen of the e-mails sent."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partners.audit.admin import ReadOnlyAdmin
from partners.emails.models import OutboundEmail
from partners.emails.secrets import email_body_redacted


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "to", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    exclude = ["body_text", "body_html"]
    readonly_fields = ["content"]

    @admin.display(description=_("content"))
    def content(self, message: OutboundEmail) -> str:
        """Where the e-mail carried a personal link or code, what it was (the secret was never stored)."""
        return email_body_redacted(message)
