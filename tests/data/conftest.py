"""Helpers for the import, export and report tests: files built in memory, host companies of a network."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.directory.models import OrganisationKind

from .. import factories


def csv_upload(
    text: str, *, encoding: str = "utf-8", name: str = "import.csv", bom: bool = False
) -> SimpleUploadedFile:
    raw = text.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "import.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def host_company(centre, **fields):
    """A host company of the centre's network directory."""
    values = {
        "network": centre.network,
        "owner_centre": centre,
        "kind": OrganisationKind.HOST_COMPANY,
        **fields,
    }
    return factories.HostCompanyFactory(**values)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's passwords are hashed once per user; these tests never log in with them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Messages and country names are asserted in English, whatever a previous request activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
