import re

import pytest
from playwright.sync_api import Page, expect

from partners.demo import seed as demo

from ..text import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_demo_referent_logs_in_through_the_login_page_and_sees_the_dashboard(page: Page, live_server):
    demo.seed({})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Courriel").fill("referent@montclar.example")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name=translated("Log in", "fr")).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Camille")
    expect(page.locator(".header-org")).to_contain_text("CFA Montclar")


def test_a_wrong_password_shows_a_message_and_no_dashboard(page: Page, live_server):
    demo.seed({})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Courriel").fill("referent@montclar.example")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name=translated("Log in", "fr")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
