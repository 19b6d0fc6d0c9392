"""A referent sees the grant of a new mobility, issues the grant agreement and records the first payment."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from mobility.funding.models import GrantPayment
from tests.funding.test_grant import lyon_cologne, network_table  # noqa: F401  (fixtures)

from .support import screenshot
from .test_mobility_referent import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grant_issue_and_first_payment(page: Page, live_server, referent_a, lyon_cologne, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    _log_in(page, live_server, referent_a)
    page.goto(f"{live_server.url}/mobilities/{lyon_cologne.pk}/")
    grant = page.locator("#grant")
    expect(grant.locator("[data-grant-total]")).to_have_text("1288.00")
    expect(grant).to_contain_text("Individual support (from the 15th day)")
    screenshot(page, "funding-grant")

    grant.get_by_role("button", name="Issue the grant agreement").click()
    expect(
        page.get_by_text("The grant agreement has been issued and its payments scheduled.")
    ).to_be_visible()
    expect(page.locator("#grant")).to_contain_text("Pre-financing")

    page.locator("#grant").get_by_role("link", name="Record the payment").first.click()
    page.get_by_label("Paid on").fill("2026-02-20")
    page.get_by_label("Payment reference").fill("VIR-2026-001")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("The payment has been recorded.")).to_be_visible()
    expect(page.locator("#grant")).to_contain_text("VIR-2026-001")
    screenshot(page, "funding-paid")
    paid = GrantPayment.objects.get(kind="prefinancing")
    assert paid.paid_on == datetime.date(2026, 2, 20) and str(paid.amount) == "1030.40"
