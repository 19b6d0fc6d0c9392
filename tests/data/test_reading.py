"""Reading uploaded spreadsheets: encodings, separators, workbooks, and what is refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.data.imports.limits import check_spreadsheet
from mobility.data.imports.parsing import read_table

from .conftest import csv_upload, xlsx_upload

TEXT = "Nom;Prénom;Ville\nMüller;Zoé;Sète\nGarçon;Noël;Besançon\n"


def _read(upload):
    checked = check_spreadsheet(upload)
    return read_table(upload, checked.file_format)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")],
)
def test_each_encoding_reads_the_accents(encoding, bom, expected):
    table = _read(csv_upload(TEXT, encoding=encoding, bom=bom))
    assert table.encoding == expected
    assert table.header == ["Nom", "Prénom", "Ville"]
    assert table.rows[0][1] == ["Müller", "Zoé", "Sète"]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_each_separator_is_detected(separator):
    table = _read(csv_upload(TEXT.replace(";", separator)))
    assert table.delimiter == separator
    assert table.rows[1][1] == ["Garçon", "Noël", "Besançon"]


def test_comma_inside_quotes_does_not_split_a_semicolon_file():
    table = _read(csv_upload('Nom;Adresse\nMartin;"12, rue des Lilas"\n'))
    assert table.delimiter == ";"
    assert table.rows[0][1] == ["Martin", "12, rue des Lilas"]


@pytest.mark.parametrize(
    "text",
    [
        'INE;Nom;Prénom\nA1;Martin;Léa\nA2;"Durand;Tom\nA3;Nguyen;Linh\nA4;Petit;Jo\n',  # never closed
        'INE;Nom;Prénom\nA1;Martin;Léa\nA2;"Durand;Tom\nA3;Nguyen;Linh\nA4;"Petit";Jo\n',  # closed rows later
    ],
)
def test_an_unclosed_quotation_mark_is_refused_rather_than_swallowing_rows(text):
    with pytest.raises(ValidationError) as exc:
        _read(csv_upload(text))
    assert exc.value.code == "malformed"
    assert exc.value.messages[0].startswith("Row 3, column B: a quotation mark")


def test_a_cell_over_several_lines_is_not_mistaken_for_swallowed_rows():
    text = 'Nom,Prénom,Adresse\nMartin,Léa,"12, rue des Lilas\n34000 Montpellier, France"\nDurand,Tom,x\n'
    table = _read(csv_upload(text))
    assert [cells[0] for _number, cells in table.rows] == ["Martin", "Durand"]


def test_rows_are_numbered_as_the_spreadsheet_shows_them():
    table = _read(csv_upload('Nom;Note\n\nMartin;"deux\nlignes"\nDurand;x\n'))
    assert [number for number, _cells in table.rows] == [3, 4]


def test_xlsx_keeps_dates_as_dates_and_skips_empty_rows():
    import datetime

    table = _read(
        xlsx_upload(
            [["Nom", "Né le"], ["Martin", datetime.date(2004, 5, 17)], [None, None], ["Durand", None]]
        )
    )
    assert table.file_format == "xlsx"
    assert table.rows[0] == (2, ["Martin", datetime.datetime(2004, 5, 17)])
    assert table.rows[1][0] == 4


def _with_dimension(upload, ref: str) -> SimpleUploadedFile:
    """The workbook with the size its sheet declares (``<dimension ref>``) replaced by ``ref``."""
    import re

    source = zipfile.ZipFile(io.BytesIO(upload.read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
                assert count == 1
            archive.writestr(member, data)
    return SimpleUploadedFile("learners.xlsx", buffer.getvalue())


def test_a_workbook_declaring_too_small_a_sheet_loses_no_row_or_column():
    rows = [["Nom", "Prénom", "Ville"], *([f"Martin {n}", "Léa", "Sète"] for n in range(50))]
    table = _read(_with_dimension(xlsx_upload(rows), "A1:B3"))
    assert table.header == ["Nom", "Prénom", "Ville"]
    assert len(table.rows) == 50
    assert table.rows[-1] == (51, ["Martin 49", "Léa", "Sète"])


def test_a_workbook_claiming_16384_columns_is_read_as_wide_as_its_header():
    rows = [["Nom", "Prénom"], *([f"Martin {n}", "Léa"] for n in range(200))]
    table = _read(_with_dimension(xlsx_upload(rows), "A1:XFD201"))
    assert len(table.rows) == 200
    assert {len(cells) for _number, cells in table.rows} == {2}


def test_cells_far_right_of_the_header_are_not_held_in_memory():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom"])
    for row in range(2, 102):
        sheet.cell(row=row, column=1, value=f"Martin {row}")
        sheet.cell(row=row, column=16384, value="x")  # column XFD, the last one
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = _read(SimpleUploadedFile("learners.xlsx", buffer.getvalue()))
    assert len(table.rows) == 100
    assert table.rows[0] == (2, ["Martin 2", ""])


def test_utf16_gets_a_message_saying_how_to_save_the_file():
    upload = SimpleUploadedFile("learners.csv", "Nom;Prénom\nMartin;Léa\n".encode("utf-16"))
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(upload)
    assert "UTF-16" in exc.value.messages[0]
    assert exc.value.code == "wrong_encoding"


def test_a_file_in_neither_encoding_says_so():
    upload = SimpleUploadedFile("learners.csv", b"Nom\n\x81\x8d\x8f\x90\x9d\n")
    with pytest.raises(ValidationError) as exc:
        _read(upload)
    assert "UTF-8" in exc.value.messages[0] and "Windows-1252" in exc.value.messages[0]


def test_a_chosen_encoding_that_does_not_fit_says_so():
    upload = csv_upload(TEXT, encoding="cp1252")
    with pytest.raises(ValidationError) as exc:
        read_table(upload, "csv", encoding="utf-8")
    assert "utf-8" in exc.value.messages[0]


def test_an_old_xls_file_is_refused_with_what_to_do():
    upload = SimpleUploadedFile("learners.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(upload)
    assert ".xlsx" in exc.value.messages[0]


def test_a_pdf_named_csv_is_refused():
    upload = SimpleUploadedFile("learners.csv", b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(upload)
    assert exc.value.code == "wrong_type"


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(SimpleUploadedFile("learners.xlsx", buffer.getvalue()))
    assert exc.value.code == "wrong_type"


def test_a_zip_bomb_is_refused_before_it_is_opened(settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED = 5 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    packed = buffer.getvalue()
    assert len(packed) < 100_000  # 20 MB unpacked from a few kilobytes
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(SimpleUploadedFile("learners.xlsx", packed))
    assert exc.value.code == "zip_bomb"


def test_a_highly_compressed_member_is_refused_even_under_the_total_limit():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"A" * (8 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(SimpleUploadedFile("learners.xlsx", buffer.getvalue()))
    assert exc.value.code == "zip_bomb"


ENTITIES = '<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)


def broken_sheet(name: str = "learners.xlsx", *, bomb: bool) -> SimpleUploadedFile:
    """A workbook whose sheet is an entity bomb ("billion laughs"), or XML cut off in the middle."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_upload([["Nom", "Prénom"], ["Martin", "Léa"]]).read()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = data.decode().split("?>", 1)[-1]
                if bomb:
                    data = (f"<!DOCTYPE worksheet [{ENTITIES}]>" + body.replace("Martin", "&lol9;")).encode()
                else:
                    data = body[: body.index("Martin")].encode()
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize("bomb", [True, False], ids=["entity bomb", "cut-off XML"])
def test_a_sheet_that_cannot_be_parsed_is_refused_with_a_message(bomb):
    with pytest.raises(ValidationError) as exc:
        _read(broken_sheet(bomb=bomb))
    assert exc.value.code == "malformed"
    assert exc.value.messages[0].startswith("This workbook cannot be read:")


def test_an_oversize_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(csv_upload("Nom\n" + "Martin\n" * 300))
    assert exc.value.code == "too_large"


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(ValidationError) as exc:
        _read(csv_upload("Nom\n" + "Martin\n" * 4))
    assert exc.value.code == "too_many_rows"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_spreadsheet(SimpleUploadedFile("learners.csv", b""))
    assert exc.value.code == "empty"
