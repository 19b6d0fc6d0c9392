"""A referent imports learners in the browser: upload → preview with the errors → confirm → result."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from mobility.learners.models import Learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "INE;Nom;Prénom;Date de naissance;Courriel\n"
    "071234567AB;Martin;Léa;17/05/2004;lea.martin@apprentis.example\n"
    "071234567AC;Durand;Tom;2003-01-02;tom.durand@apprentis.example\n"
    "071234567AD;Nguyen;Linh;31/02/2002;linh.nguyen@apprentis.example\n"
)


def _log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )


def test_upload_preview_confirm(page: Page, live_server, referent_a, centre_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "learners-from-the-school.csv"
    path.write_text(FILE, encoding="cp1252")
    _log_in(page, live_server, referent_a)

    page.goto(f"{live_server.url}/data/imports/")
    page.get_by_label("What the file holds").select_option("learners")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import: Learners")
    expect(page.get_by_text("Row 4, column D “Date de naissance”:")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Martin Léa"))).to_contain_text("new")
    assert Learner.objects.count() == 0

    page.get_by_label("Import the other rows and leave out the rows in error").check()
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("2 new, 0 updated, 0 unchanged")
    expect(page.get_by_role("link", name="Download the rows in error")).to_be_visible()
    assert sorted(Learner.objects.values_list("last_name", flat=True)) == ["Durand", "Martin"]
