"""Downloadable templates: the columns an import reads, an example row, and what each column takes."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from mobility.data.resources import RESOURCES, columns_of
from mobility.data.spreadsheets import Rows, write_csv, write_xlsx

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def import_template(
    kind: str, file_format: str, *, delimiter: str = ";", examples: dict[str, str] | None = None
) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the template of ``kind`` in the current language.
    ``examples`` replaces the example of the columns that refer to the reader's own data (a code of
    their catalogue, one of their projects), so that the example row imports as it is."""
    columns = columns_of(RESOURCES[kind])
    header = [str(c.label) for c in columns]
    example = [(examples or {}).get(c.key) or c.example for c in columns]
    sheet = Rows(title=_("Import"), header=header, rows=[example])
    buffer = io.BytesIO()
    if file_format == "xlsx":
        help_rows = [
            [str(c.label), _("required") if c.required else "", str(value), str(c.help_text)]
            for c, value in zip(columns, example, strict=True)
        ]
        help_sheet = Rows(
            title=_("Columns"),
            header=[_("Column"), _("Required"), _("Example"), _("What it takes")],
            rows=help_rows,
        )
        write_xlsx([sheet, help_sheet], buffer)
    else:
        write_csv(sheet, buffer, delimiter=delimiter)
    return f"template-{kind}.{file_format}", CONTENT_TYPES[file_format], buffer.getvalue()
