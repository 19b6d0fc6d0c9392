"""Uploaded files: checked by content (not by name), bounded in size, served only after an access check."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

#: What an upload may be, by its content.
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCUMENT_TYPES = (PDF, PNG, JPEG, WEBP)
_EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}
_LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", WEBP: "WebP"}


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str
    size: int
    sha256: str
    safe_name: str


def check_upload(
    upload: UploadedFile | None,
    *,
    allowed: Iterable[str] = DOCUMENT_TYPES,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Refuses a file that is empty, too large, or whose content is not one of ``allowed``.

    The extension is not trusted: a ``.pdf`` that is really an executable is refused, and the stored
    name gets the extension of what the content actually is.
    """
    allowed = tuple(allowed)
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected not in allowed:
        expected = ", ".join(_LABELS.get(t, t) for t in allowed)
        raise ValidationError(
            _("This file is not a valid %(expected)s file (whatever its name says).")
            % {"expected": expected},
            code="wrong_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stem = PurePath(upload.name or "file").stem[:80] or "file"
    safe_name = f"{get_valid_filename(stem) or 'file'}.{_EXTENSIONS.get(detected, 'bin')}"
    return CheckedUpload(
        file=upload, content_type=detected, size=upload.size, sha256=digest.hexdigest(), safe_name=safe_name
    )


def serve_private_file(
    field: FieldFile, *, filename: str | None = None, content_type: str | None = None
) -> FileResponse:
    """Sends a stored file as an attachment. Call it only after the access check."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = filename or PurePath(field.name).name
    guessed = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=guessed)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
