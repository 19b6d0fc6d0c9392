"""Browser tests: Playwright on Debian's Chromium (launched from tests/conftest.py)."""

import pytest

from . import world as world_module


@pytest.fixture
def site(settings, live_server, tmp_path):
    """Links in e-mails point at the live server; uploaded files go to a temporary folder."""
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return live_server


@pytest.fixture
def world(site, centre_a, chamber_a, referent_a):
    return world_module.build(centre=centre_a, chamber=chamber_a, referent=referent_a)
