"""The one writer of CSV and XLSX files: every export path (pages, admin, command line, API) uses it.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL (or the
full-width forms of those signs) could run as a formula when the file is opened in Excel or
LibreOffice. Here such a cell can never execute:

* CSV: the text gets a leading apostrophe (``'=HYPERLINK(…)``), the OWASP recommendation;
* XLSX: the cell is written as a text cell with Excel's "quote prefix" flag (shown unchanged,
  never evaluated, not even when someone edits it), and control characters that the format
  forbids are dropped.

This module imports no models, so that settings can name its django-import-export formats.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from import_export.formats import base_formats

#: First characters that make a spreadsheet cell a formula (or a DDE call) somewhere.
FORMULA_PREFIXES = frozenset("=+-@\t\r\n\0＝＋－＠")

#: Control characters the XLSX format cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

#: Rows handed to the CSV writer at a time: big enough to be fast, small enough to stream.
CHUNK_ROWS = 2_000


def is_formula_like(value: Any) -> bool:
    # isinstance, not ``type(value) is str``: choices members and safe strings are text too.
    return isinstance(value, str) and value[:1] in FORMULA_PREFIXES


def neutralise(value: Any) -> Any:
    """The value as a CSV cell that cannot execute: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value.replace("\0", "")
    return value


@dataclass
class Rows:
    """What an export writes: a title (the sheet name), the header and the rows (any iterable)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    #: Rows expected, when known (for progress); the writer counts what it really wrote.
    expected: int | None = None
    #: Called every ``CHUNK_ROWS`` rows with the number written so far.
    on_progress: Callable[[int], None] | None = field(default=None, repr=False)


def _safe_rows(rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    prefixes = FORMULA_PREFIXES
    for row in rows:
        yield [("'" + v.replace("\0", "")) if (isinstance(v, str) and v[:1] in prefixes) else v for v in row]


def csv_chunks(data: Rows, *, delimiter: str = ",", bom: bool = True) -> Iterator[bytes]:
    """The CSV file as UTF-8 byte chunks (with a BOM so that Excel reads accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in data.header])
    head = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    yield (("\ufeff" if bom else "") + head).encode("utf-8")
    written = 0
    chunk: list[list[Any]] = []
    for row in _safe_rows(data.rows):
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            writer.writerows(chunk)
            written += len(chunk)
            chunk.clear()
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            if data.on_progress:
                data.on_progress(written)
    if chunk:
        writer.writerows(chunk)
        written += len(chunk)
        yield buffer.getvalue().encode("utf-8")
        if data.on_progress:
            data.on_progress(written)
    data.expected = written


def write_csv(data: Rows, out: IO[bytes], *, delimiter: str = ",", bom: bool = True) -> int:
    """Writes ``data`` as CSV to a binary stream; returns the number of rows written."""
    for chunk in csv_chunks(data, delimiter=delimiter, bom=bom):
        out.write(chunk)
    return data.expected or 0


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        if _XLSX_ILLEGAL.search(value):
            value = _XLSX_ILLEGAL.sub("", value)
        if value[:1] in FORMULA_PREFIXES or value[:1] == "'":
            cell = WriteOnlyCell(sheet)
            cell._value = value  # bypass openpyxl's "starts with = means formula" guess
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    return value


def _sheet_title(title: str, taken: set[str]) -> str:
    cleaned = re.sub(r"[\\/*?:\[\]]", " ", title).strip()[:31] or "Sheet"
    candidate, n = cleaned, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def write_xlsx(data: Rows | Sequence[Rows], out: IO[bytes]) -> int:
    """Writes one sheet per ``Rows`` in write-only mode (memory stays flat); returns rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    sheets = [data] if isinstance(data, Rows) else list(data)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = set()
    total = 0
    for rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(rows.title, taken))
        header = []
        for title in rows.header:
            cell = _xlsx_cell(sheet, str(title))
            if not isinstance(cell, Cell):
                cell = WriteOnlyCell(sheet, value=cell)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        written = 0
        for row in rows.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
            written += 1
            if rows.on_progress and written % CHUNK_ROWS == 0:
                rows.on_progress(written)
        if rows.on_progress:
            rows.on_progress(written)
        rows.expected = written
        total += written
    workbook.save(out)
    return total


# --- django-import-export formats (admin screens) ---------------------------------------------
def _dataset_rows(dataset: Any) -> Rows:
    return Rows(title=dataset.title or "Export", header=list(dataset.headers or []), rows=list(dataset))


class SafeCSV(base_formats.CSV):
    """django-import-export's CSV export, written by our neutralising writer."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        buffer = io.BytesIO()
        write_csv(_dataset_rows(dataset), buffer, bom=False)
        return buffer.getvalue().decode("utf-8")


class SafeXLSX(base_formats.XLSX):
    """django-import-export's XLSX export, written by our neutralising writer."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        buffer = io.BytesIO()
        write_xlsx(_dataset_rows(dataset), buffer)
        return buffer.getvalue()
