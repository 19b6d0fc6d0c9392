"""A referent issues a group's certificates, watches them render, downloads the ZIP, and checks
one certificate on the public verification page — with a real worker rendering in the background."""

import re
import zipfile

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from certification.models import Certificate
from tests import factories as base
from tests.certification.factories import GroupFactory, evaluated_mobility
from tests.workers import Worker

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NAMES = [("Łukasz", "Żółć"), ("Σοφία", "Παπαδοπούλου"), ("Zoë", "O'Brien-Núñez")]


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    process = Worker()
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def _log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_referent_issues_a_groups_certificates_and_downloads_them(
    page: Page, live_server, worker, centre_a, referent_a, tmp_path
):
    group = GroupFactory(centre=centre_a, name="Valencia printemps 2026")
    for first, last in NAMES:
        evaluated_mobility(
            group=group, participant=base.LearnerFactory(centre=centre_a, first_name=first, last_name=last)
        )
    _log_in(page, live_server, referent_a)

    page.goto(f"{live_server.url}/documents/group/{group.pk}/")
    page.get_by_role("button", name=re.compile("Issue 3 certificates")).click()
    expect(page.get_by_text("3 of 3 certificates ready")).to_be_visible(timeout=60_000)

    page.get_by_role("button", name=re.compile("Prepare a ZIP")).click()
    download_link = page.get_by_role("link", name=re.compile(r"\.zip$"))
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "bundle.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 3

    number = Certificate.objects.order_by("pk").first().number
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Certificate number").fill(number)
    page.get_by_role("button", name=re.compile("Verify")).click()
    expect(page).to_have_url(re.compile(f"/verify/{number}/"))
    expect(page.locator(".verify-status")).to_contain_text("Valid")
    expect(page.get_by_text("Łukasz Żółć")).to_be_visible()
