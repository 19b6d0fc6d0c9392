"""axe-core on every main page, as the person who uses it: no serious or critical violation.

Each test walks the pages of one kind of person and reports every page that fails, with the rule
broken and the elements concerned (see support.describe_violations).
"""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from certification.services import certificates
from mobility.guests.models import GuestRole
from partners.accounts.roles import Role
from tests import factories
from tests.certification.conftest import run_jobs
from tests.certification.factories import evaluated_mobility

from .support import (
    assert_accessible,
    axe_violations,
    describe_violations,
    log_in,
    open_page,
    personal_link,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "fr", "de", "es", "it"]


def _check(page: Page, base: str, pages: list[tuple[str, str]]) -> None:
    failures = []
    for label, path in pages:
        open_page(page, base + path)
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(violations, f"{label} ({path})"))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_referents_pages(page: Page, live_server, world, language):
    """In English and in German (the longest words, the most likely to hide or overlap text)."""
    w = world
    log_in(page.context, live_server, w.referent, language=language)
    _check(
        page,
        live_server.url,
        [
            ("dashboard", "/"),
            ("learners", "/learners/"),
            ("learner", f"/learners/{w.learner.pk}/"),
            ("new learner", "/learners/new/"),
            ("mobilities", "/mobilities/"),
            ("mobility page", f"/mobilities/{w.mobility.pk}/"),
            ("mobility form", f"/mobilities/{w.mobility.pk}/edit/"),
            ("learning agreement form", f"/mobilities/{w.mobility.pk}/agreement/"),
            ("learning agreement", f"/agreements/{w.agreement.pk}/"),
            ("tutor's evaluation to review", f"/mobilities/{w.evaluated.pk}/evaluation/"),
            ("recognition", f"/mobilities/{w.evaluated.pk}/recognition/"),
            ("sent e-mails", f"/mobilities/{w.mobility.pk}/outbox/"),
            ("timeline", "/timeline/"),
            ("groups", "/groups/"),
            ("group", f"/groups/{w.group.pk}/"),
            ("projects", "/projects/"),
            ("project", f"/projects/{w.project.pk}/"),
            ("partner directory", "/partners/"),
            ("partner", f"/partners/{w.host.pk}/"),
            ("tutor contact", f"/partners/contacts/{w.tutor.pk}/"),
            ("partnership agreements", "/partners/agreements/"),
            ("partnership agreement", f"/partners/agreements/{w.partnership.pk}/"),
            ("documents", "/documents/"),
            ("mobility documents", f"/documents/mobility/{w.evaluated.pk}/"),
            ("imports", "/data/imports/"),
            ("import preview with a row in error", f"/data/imports/{w.import_batch.pk}/"),
            ("exports", "/data/exports/"),
            ("export", f"/data/exports/{w.export.pk}/"),
            ("reports", "/data/reports/"),
            ("Erasmus+ file", "/data/erasmus/"),
            ("my account", "/accounts/settings/"),
        ],
    )


def test_the_administrators_pages(page: Page, live_server, world, centre_a, chamber_admin):
    admin = factories.UserFactory(email="direction@montclar.example")
    factories.MembershipFactory(user=admin, organisation=centre_a, role=Role.CENTRE_ADMIN)
    log_in(page.context, live_server, admin)
    _check(page, live_server.url, [("team", "/partners/team/"), ("invite", "/partners/team/invite/")])
    page.context.clear_cookies()
    log_in(page.context, live_server, chamber_admin)
    _check(page, live_server.url, [("chamber's dashboard", "/"), ("chamber's reports", "/data/reports/")])


def test_forms_with_errors(page: Page, live_server, world):
    """Submitted empty: the errors are announced, tied to their fields, and still pass axe."""
    log_in(page.context, live_server, world.referent, language="en")
    failures = []
    for label, path, button in [
        ("new learner", "/learners/new/", "Add the learner"),
        ("new mobility", "/mobilities/new/", "Create the mobility"),
        ("new partner", "/partners/new/", None),
        ("new group", "/groups/new/", None),
        ("new project", "/projects/new/", None),
        ("import without a file", "/data/imports/", "Check the file"),
    ]:
        open_page(page, live_server.url + path)
        form = page.locator("main form:has(button[type=submit])").last
        if button:
            form.get_by_role("button", name=button).click()
        else:
            form.locator("button[type=submit]").last.click()
        expect(page.locator(".form-errors, .errorlist").first).to_be_visible()
        # Every field in error says so to assistive technologies and points at its message (for
        # radio buttons and check boxes, their group — the fieldset — does).
        for field in page.locator("[aria-invalid=true]").all():
            described = field.evaluate(
                "el => [el.getAttribute('aria-describedby'), el.closest('fieldset')?.getAttribute('aria-describedby')]"
                ".join(' ').split(/\\s+/).filter(Boolean)"
            )
            assert any(page.locator(f"#{id_}.errorlist").count() for id_ in described), (
                f"{label}: {field.get_attribute('name')} is invalid without its message"
            )
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(violations, f"{label} with errors"))
    assert not failures, "\n\n".join(failures)


def test_the_public_pages(page: Page, live_server, db):
    _check(
        page,
        live_server.url,
        [
            ("log in", "/accounts/login/"),
            ("certificate lookup", "/verify/"),
            ("lost link", "/guest/lost/"),
            ("privacy", "/privacy/"),
        ],
    )
    open_page(page, f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill("nobody@example.org")
    page.locator("input[name=password]").fill("wrong password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert_accessible(page, "log in with wrong credentials")
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert_accessible(page, "page not found")


def test_the_certificate_verification_page(page: Page, site, centre_a, referent_a):
    mobility = evaluated_mobility(centre=centre_a)  # its evaluation validated: a certificate can be issued
    certificate = certificates.certificate_issue(mobility=mobility, acting_user=referent_a)
    run_jobs()
    certificate.refresh_from_db()
    open_page(page, f"{site.url}/verify/{certificate.number}/")
    assert_accessible(page, "certificate verification")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "autre.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".upload-result")).to_be_visible()
    assert_accessible(page, "certificate verification, a file that does not match")


def _guest_pages(browser: Browser, url: str, language: str = "es") -> Page:
    context = browser.new_context(
        locale=f"{language}-{language.upper()}", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(url)
    return page


def test_the_tutors_pages(browser: Browser, world):
    w = world
    page = _guest_pages(
        browser, personal_link(mobility=w.mobility, role=GuestRole.TUTOR, referent=w.referent)
    )
    base = page.url.split("/guest/")[0]
    _check(
        page,
        base,
        [
            ("tutor's home", f"/guest/{w.mobility.pk}/"),
            ("confirm the placement", f"/guest/{w.mobility.pk}/confirm/"),
            ("learning agreement", f"/guest/{w.mobility.pk}/agreement/"),
            ("follow-ups", f"/guest/{w.mobility.pk}/follow-ups/"),
            ("evaluation", f"/guest/{w.mobility.pk}/evaluation/"),
        ],
    )
    # Submitted too early: the list of missing parts, the fields marked, still accessible.
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#missing")).to_be_focused()
    assert page.locator("[aria-invalid=true]").count() >= 4
    assert_accessible(page, "evaluation with missing parts")
    page.context.close()


def test_the_learners_pages(browser: Browser, world):
    w = world
    page = _guest_pages(
        browser, personal_link(mobility=w.mobility, role=GuestRole.LEARNER, referent=w.referent), "fr"
    )
    base = page.url.split("/guest/")[0]
    _check(
        page,
        base,
        [
            ("learner's space", f"/guest/{w.mobility.pk}/"),
            ("learning agreement", f"/guest/{w.mobility.pk}/agreement/"),
            ("documents to send", f"/guest/{w.mobility.pk}/documents/"),
            ("self-assessment", f"/guest/{w.mobility.pk}/evaluation/"),
        ],
    )
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tutors_evaluation_has_no_empty_label_in_any_language(browser: Browser, world, language):
    """A missing translation shows the English text, never an empty label, button or heading
    (axe's label, button-name, link-name and empty-heading rules are all critical or serious)."""
    w = world
    page = _guest_pages(
        browser, personal_link(mobility=w.mobility, role=GuestRole.TUTOR, referent=w.referent), language
    )
    page.goto(f"{page.url.split('/guest/')[0]}/guest/{w.mobility.pk}/evaluation/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    with translation.override(language):
        expect(page.get_by_role("heading", level=1)).to_have_text(gettext("Evaluation of the placement"))
    assert_accessible(page, f"evaluation in {language}")
    for selector in ("label", "legend", "button", "h1, h2, h3", "option"):
        for element in page.locator(f"main {selector}").all():
            if element.is_visible():
                assert element.inner_text().strip(), f"an empty {selector} in {language}"
    page.context.close()
