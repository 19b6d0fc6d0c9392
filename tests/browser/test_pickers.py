"""A long directory on a 360 px phone: the referent finds the host by typing part of its name, picks
it with the keyboard, and the tutor list follows."""

import pytest
from playwright.sync_api import Browser, expect

from mobility.mobilities.models import Mobility
from partners.directory.models import Organisation, OrganisationKind

from .. import factories
from .support import PHONE, assert_accessible, horizontal_overflow, log_in, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referent_picks_a_host_by_typing_part_of_its_name_on_a_phone(
    browser: Browser, live_server, referent_a, centre_a, chamber_a
):
    activity = factories.activity("vet-short-term")
    learner = factories.LearnerFactory(centre=centre_a, first_name="Maëlle", last_name="Kervella")
    Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.HOST_COMPANY,
            name=f"Talleres Norte {i:03d}",
            normalised_name=f"talleres norte {i:03d}",
            city="Bilbao",
            country="ES",
            network=chamber_a,
        )
        for i in range(60)
    )
    host = factories.HostCompanyFactory(name="Panadería Sol S.L.", city="Valencia", network=chamber_a)
    factories.HostCompanyFactory(name='Bait <img src=x onerror="window.pwned=1">', network=chamber_a)
    factories.ContactFactory(organisation=host, first_name="Lucía", last_name="Ortega", is_tutor=True)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    page = context.new_page()
    log_in(context, live_server, referent_a, language="en")
    open_page(page, f"{live_server.url}/mobilities/new/?participant={learner.pk}")
    # The page does not carry the directory: none of the 61 hosts is an option before one is chosen.
    expect(page.locator("select[name=host_organisation] option")).to_have_count(1)

    host_box = page.get_by_role("combobox", name="Host organisation")
    # A name is shown as text, never as markup.
    host_box.press_sequentially("bait", delay=40)
    expect(page.locator(".combo__option")).to_have_text(
        ['Bait <img src=x onerror="window.pwned=1"> — Valencia (ES)Host company']
    )
    assert page.locator(".combo__list img").count() == 0 and page.evaluate("window.pwned") is None
    assert_accessible(page, "the host picker, open")
    host_box.press("Escape")
    host_box.fill("")
    host_box.press_sequentially("dería s", delay=40)
    matches = page.get_by_role("option", name="Panadería Sol S.L. — Valencia (ES)")
    expect(matches).to_be_visible()
    expect(page.locator(".combo__option")).to_have_count(1)
    matches.scroll_into_view_if_needed()
    screenshot(page, "pickers/host-search-phone", full_page=False)
    assert not horizontal_overflow(page)
    host_box.press("ArrowDown")
    host_box.press("Enter")
    expect(host_box).to_have_value("Panadería Sol S.L. — Valencia (ES)")
    assert page.locator("select[name=host_organisation]").input_value() == str(host.pk)

    # The host's tutors come with it.
    tutor = page.get_by_label("Host tutor", exact=True)
    expect(tutor.locator("option", has_text="Lucía Ortega")).to_have_count(1)
    tutor.select_option(label="Lucía Ortega")
    page.get_by_label("Participant", exact=True).select_option(str(learner.pk))
    page.get_by_label("Activity", exact=True).select_option(str(activity.pk))
    page.get_by_label("Planned start").fill("2027-03-01")
    page.get_by_label("Planned end").fill("2027-03-26")
    page.get_by_role("button", name="Create the mobility").click()
    expect(page.locator(".page-header .badge")).to_have_text("Draft")
    mobility = Mobility.objects.get(participant=learner)
    assert mobility.host_organisation_id == host.pk
    assert mobility.host_tutor.last_name == "Ortega"
    context.close()


def test_a_referent_adds_a_late_recruit_to_a_group_by_typing_part_of_the_name(
    browser: Browser, live_server, referent_a, centre_a
):
    import datetime

    from mobility.groups import services as groups_services

    group = groups_services.group_create(
        centre=centre_a,
        data={
            "name": "Valence avril",
            "activity_type": factories.activity("group-exploration"),
            "host_city": "Valencia",
            "host_country": "ES",
            "planned_start": datetime.date(2027, 4, 12),
            "planned_end": datetime.date(2027, 4, 16),
        },
        participants=[factories.LearnerFactory(centre=centre_a)],
        acting_user=referent_a,
    )
    factories.LearnerFactory.create_batch(40, centre=centre_a, last_name="Garnier")
    late = factories.LearnerFactory(centre=centre_a, first_name="Yanis", last_name="Zeller")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    page = context.new_page()
    log_in(context, live_server, referent_a, language="en")
    open_page(page, f"{live_server.url}/groups/{group.pk}/members/")
    expect(page.locator("input[name=participants]")).to_have_count(0)
    search = page.get_by_role("combobox", name="Find a learner")
    search.press_sequentially("zell", delay=40)
    expect(page.locator(".combo__option")).to_have_text(["ZELLER Yanis — Boulangerie"])
    search.press("Enter")
    expect(page.get_by_role("checkbox", name="ZELLER Yanis — Boulangerie")).to_be_checked()
    assert not horizontal_overflow(page)
    screenshot(page, "pickers/group-members-phone", full_page=False)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.locator(".message--success")).to_contain_text("1 participant added")
    assert group.mobilities.filter(participant=late).exists()

    # Then every link at once, from the group's page: who was skipped is said, with the reason.
    page.get_by_role("button", name="Send every link").click()
    expect(page.locator(".message--success")).to_have_text(
        "Links sent: 2. Already sent before: 0. Not sent: 2."
    )
    expect(page.locator(".message--warning", has_text="Yanis Zeller (host tutor)")).to_contain_text(
        "Appoint the host tutor"
    )
    assert not horizontal_overflow(page)
    screenshot(page, "pickers/group-links-phone")
    context.close()
