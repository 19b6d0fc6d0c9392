"""Reading an uploaded spreadsheet into a header and rows of cells, whatever produced it.

Files come from school information systems and from Excel in any language: UTF-8 with or without
a byte-order mark, or Windows-1252 (Excel's "CSV" in Western Europe); commas, or semicolons
(Excel where the decimal separator is a comma); or XLSX workbooks.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mobility.data.imports.limits import CSV, XLSX, max_rows

ENCODINGS = ("utf-8", "cp1252")

DELIMITERS = (";", ",", "\t", "|")

#: Columns read from a workbook: far more than any import has, far fewer than a sheet may claim.
MAX_COLUMNS = 256


@dataclass
class Table:
    """A spreadsheet as read: the header cells, then rows numbered as the user sees them."""

    header: list[str]
    #: (row number in the file, cells): the header is row 1, the first data row is row 2.
    rows: list[tuple[int, list[Any]]]
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    warnings: list[str] = field(default_factory=list)


def normalise_header(text: Any) -> str:
    """ "Date de naissance", "date_de_naissance", " DATE DE NAISSANCE* " → "date de naissance"."""
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    value = re.sub(r"[^a-z0-9]+", " ", value)
    return " ".join(value.split())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(stream: IO[bytes], file_format: str, *, encoding: str = "") -> Table:
    if file_format == XLSX:
        return _read_xlsx(stream)
    return _read_csv(stream, encoding=encoding)


def decode(raw: bytes, encoding: str = "") -> tuple[str, str]:
    """The text and the encoding it was in: the chosen one, or UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    candidates = (encoding,) if encoding else ENCODINGS
    for candidate in candidates:
        try:
            return raw.decode(candidate), candidate
        except (UnicodeDecodeError, LookupError):
            continue
    if encoding:
        raise ValidationError(
            _(
                "The file cannot be read as %(encoding)s. Choose “automatic” as the encoding, or save the file as “CSV UTF-8”."
            )
            % {"encoding": encoding},
            code="wrong_encoding",
        )
    raise ValidationError(
        _(
            "The file's encoding is neither UTF-8 nor Windows-1252. Save it from your spreadsheet as “CSV UTF-8” and upload it again."
        ),
        code="wrong_encoding",
    )


def sniff_delimiter(first_line: str) -> str:
    """The separator of the header line: the candidate that splits it into the most columns."""
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


def _read_csv(stream: IO[bytes], *, encoding: str = "") -> Table:
    stream.seek(0)
    raw = stream.read()
    try:
        text, used = decode(raw, encoding)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file says it is UTF-8 but is not. Save it as “CSV UTF-8” and upload it again."),
            code="wrong_encoding",
        ) from exc
    warnings: list[str] = []
    if used == "cp1252" and re.search("Ã[\u00a0-\u00bf]", text):
        # UTF-8 read as Windows-1252 somewhere upstream ("Ã©" for "é"): the file is already damaged.
        warnings.append(
            _(
                "Some accents look garbled (such as “Ã©” for “é”): the file may have been converted twice. Check the preview."
            )
        )
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = sniff_delimiter(first)
    limit = max_rows()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        # Records are numbered as a spreadsheet numbers its rows (a cell may span several lines).
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(rows) >= limit:
                raise _too_many_rows(limit)
            _check_swallowed_rows(number, cells, delimiter, len(header))
            rows.append((number, cells))
    except csv.Error as exc:
        raise ValidationError(
            _("The file cannot be read as CSV near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc},
            code="malformed",
        ) from exc
    if header is None:
        raise ValidationError(_("The file has no header row."), code="empty")
    return Table(
        header=header, rows=rows, file_format=CSV, encoding=used, delimiter=delimiter, warnings=warnings
    )


def _check_swallowed_rows(number: int, cells: list[str], delimiter: str, width: int) -> None:
    """Refuses a cell whose opening quotation mark is never closed where it should be.

    The CSV reader then takes every following line, up to the next quotation mark or the end of
    the file, as the text of that one cell: whole rows would vanish without a word. A cell may
    hold several lines (an address, a note), but not a line that looks like a row of the file.
    """
    for index, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        for line in cell.splitlines()[1:]:
            if len(next(csv.reader([line], delimiter=delimiter), [])) >= max(3, width):
                raise ValidationError(
                    _(
                        'Row %(row)s, column %(letter)s: a quotation mark (") opens a cell that is not closed, so the rows after it would be read as its text. Check the quotation marks of this row.'
                    )
                    % {"row": number, "letter": column_letter(index)},
                    code="malformed",
                )


def _too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows. Split it into several files.") % {"limit": limit},
        code="too_many_rows",
    )


def _read_xlsx(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for broken files
        raise ValidationError(
            _("This workbook cannot be read: %(error)s") % {"error": exc}, code="malformed"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared size (<dimension>) is whatever the program that wrote it said:
        # too small, it would cut rows and columns off; forged to 16,384 columns, it would make
        # every row that wide in memory. The cells themselves say where the data is.
        sheet.reset_dimensions()
        limit = max_rows()
        header: list[str] | None = None
        width = MAX_COLUMNS
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if values.count(None) == len(values):
                continue  # an empty row (also the filler of the rows a sheet leaves out)
            cells = ["" if v is None else v for v in values[:width]]
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header = [str(c).strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                width = len(header)
                continue
            if len(rows) >= limit:
                raise _too_many_rows(limit)
            cells.extend([""] * (width - len(cells)))
            rows.append((number, cells))
    except ValidationError:
        raise
    except Exception as exc:  # the sheets are parsed only now: broken XML, an entity bomb, a bad CRC…
        raise ValidationError(
            _("This workbook cannot be read: %(error)s") % {"error": exc}, code="malformed"
        ) from exc
    finally:
        workbook.close()
    if header is None:
        raise ValidationError(_("The first sheet of the workbook is empty."), code="empty")
    return Table(header=header, rows=rows, file_format=XLSX)
