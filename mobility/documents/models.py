"""Documents uploaded for a learner or a mobility (insurance, tickets, signed scans): checked by
content, never public.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.catalogue.models import DocumentType
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped


# --- Documents --------------------------------------------------------------------------------
def document_upload_to(instance: Document, filename: str) -> str:
    # Random folder: file names are never guessable, and they are never served publicly anyway.
    import secrets

    return f"documents/{instance.centre_id}/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Document(TimeStamped):
    """An uploaded file about a learner or a mobility. Served only through an access-checked view."""

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="documents")
    mobility = models.ForeignKey(
        Mobility, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
