"""The referent's panels, rendered directly (the pages that host them belong to the mobility pages)."""

import pytest

from mobility.evaluations.panels import dashboard_panel, outside_panel
from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from partners import panels

from .test_evaluations import _submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def render(rf):
    def as_user(user, func, obj):
        request = rf.get("/mobilities/1/")
        request.user = user
        return func(request, obj) or ""

    return as_user


def test_the_panels_are_registered_on_the_pages_slots():
    assert outside_panel in [f for _order, f in panels._REGISTRY["mobility_detail"]]
    assert dashboard_panel in [f for _order, f in panels._REGISTRY["dashboard"]]


def test_a_referent_sees_who_to_invite_and_the_buttons(render, referent_a, mobility):
    html = render(referent_a, outside_panel, mobility)
    assert "Lucía García" in html and "lucia@panaderia-sol.example" in html
    assert f"/mobilities/{mobility.pk}/links/invite/" in html
    assert "Not invited" in html


def test_after_the_invitation_the_panel_shows_the_link_and_its_actions(render, referent_a, mobility):
    link = guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    html = render(referent_a, outside_panel, mobility)
    assert f"/links/{link.pk}/resend/" in html and f"/links/{link.pk}/revoke/" in html
    assert "not opened yet" in html


def test_read_only_staff_see_the_panel_without_actions(render, readonly_a, mobility):
    html = render(readonly_a, outside_panel, mobility)
    assert "Lucía García" in html
    assert "/links/invite/" not in html


def test_an_outsider_gets_no_panel(render, referent_b, mobility):
    assert render(referent_b, outside_panel, mobility) == ""


def test_the_panel_says_what_is_missing_to_invite(render, referent_a, mobility, tutor):
    tutor.email = ""
    tutor.save(update_fields=["email"])
    html = render(referent_a, outside_panel, mobility)
    assert "has no e-mail address" in html


def test_the_panel_costs_a_fixed_number_of_queries(
    render, referent_a, mobility, django_assert_max_num_queries
):
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    guests.access_link_invite(mobility=mobility, role=GuestRole.LEARNER, acting_user=referent_a)
    with django_assert_max_num_queries(16):
        render(referent_a, outside_panel, mobility)


def test_the_dashboard_lists_evaluations_to_review(render, referent_a, referent_b, mobility):
    _submitted(mobility)
    assert f"/mobilities/{mobility.pk}/evaluation/" in render(referent_a, dashboard_panel, referent_a)
    assert render(referent_b, dashboard_panel, referent_b) == ""


def test_the_review_link_is_prominent_once_submitted(render, referent_a, mobility):
    _submitted(mobility)
    html = render(referent_a, outside_panel, mobility)
    assert "Review" in html and "badge--eval-submitted" in html
