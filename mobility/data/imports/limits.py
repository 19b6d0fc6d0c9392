"""What an uploaded spreadsheet may be: its size, its real type (by content), what an XLSX unpacks to.

An XLSX file is a ZIP archive: a few kilobytes can unpack to gigabytes (a "zip bomb"). Before
any parser opens it, the declared sizes of its members are added up and compared with the limit,
and the members are checked to be those of a spreadsheet.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

CSV = "csv"

XLSX = "xlsx"

#: Most members a spreadsheet has (sheets, styles, relations…); thousands means something else.
MAX_ZIP_MEMBERS = 2_000

#: A member that unpacks to more than this many times its packed size is suspicious.
MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class CheckedSpreadsheet:
    file_format: str
    size: int
    sha256: str
    safe_name: str


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 50_000))


def max_uncompressed() -> int:
    return int(getattr(settings, "IMPORT_XLSX_MAX_UNCOMPRESSED", 100 * 1024 * 1024))


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def check_spreadsheet(upload: IO[bytes] | Any, name: str = "") -> CheckedSpreadsheet:
    """Refuses an upload that is empty, too large, not a CSV or XLSX by content, or a zip bomb."""
    name = name or getattr(upload, "name", "") or "import"
    size = _size(upload)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        file_format = XLSX
        _check_xlsx(upload)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            _(
                "This is an old Excel file (.xls). Save it as “Excel workbook (.xlsx)” or “CSV UTF-8” and upload it again."
            ),
            code="wrong_type",
        )
    elif head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"\x1f\x8b")):
        raise ValidationError(
            _("This file is not a spreadsheet: upload a CSV or an XLSX file."), code="wrong_type"
        )
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        raise ValidationError(
            _(
                "The file is in UTF-16 (“Unicode text”). Save it as “CSV UTF-8 (comma delimited)” and upload it again."
            ),
            code="wrong_encoding",
        )
    elif b"\0" in head:
        raise ValidationError(
            _("This file is not a spreadsheet: upload a CSV or an XLSX file."), code="wrong_type"
        )
    else:
        file_format = CSV
    digest = hashlib.sha256()
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    stem = PurePath(name).stem[:80] or "import"
    return CheckedSpreadsheet(
        file_format=file_format,
        size=size,
        sha256=digest.hexdigest(),
        safe_name=f"{get_valid_filename(stem) or 'import'}.{file_format}",
    )


def _looks_utf16(head: bytes) -> bool:
    # UTF-16 without a byte-order mark: every other byte is NUL in Latin text.
    sample = head[:200]
    return len(sample) >= 8 and sample[1::2].count(0) > len(sample) // 4


def _check_xlsx(upload: IO[bytes]) -> None:
    not_xlsx = ValidationError(
        _("This file is not a valid XLSX workbook (whatever its name says)."), code="wrong_type"
    )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_xlsx from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(
                _("This workbook holds too many parts (%(count)s); it is refused.") % {"count": len(members)},
                code="zip_bomb",
            )
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise not_xlsx
        total = sum(m.file_size for m in members)
        limit = max_uncompressed()
        if total > limit:
            raise ValidationError(
                _(
                    "This workbook unpacks to %(size)s, more than the %(limit)s allowed: it is refused. Export it as CSV instead."
                )
                % {"size": filesizeformat(total), "limit": filesizeformat(limit)},
                code="zip_bomb",
            )
        for member in members:
            if member.compress_size and member.file_size > 1024 * 1024:
                if member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
                    raise ValidationError(
                        _("This workbook is compressed abnormally (a “zip bomb”?): it is refused."),
                        code="zip_bomb",
                    )
    upload.seek(0)
