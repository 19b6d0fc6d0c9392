"""The mobility page's sub-forms are drawn when their section is opened: the page holds a link to
each form's fragment (fetched by htmx on opening, a page of its own without JavaScript); a form
that comes back with an error is drawn in its section, open."""

import pytest
from django.urls import reverse

from mobility.agreements import services as agreements_services
from mobility.agreements.models import Party, SignatureMethod

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form_url(mobility, name):
    return reverse("mobility:mobility-form", args=[mobility.pk, name])


def test_the_page_links_to_its_sub_forms_instead_of_drawing_them(client_of, referent_a, mobility, agreement):
    html = client_of(referent_a).get(f"/mobilities/{mobility.pk}/").content.decode()
    for name in ("checklist", "followup", "sign-learner", "to-cancelled"):
        url = _form_url(mobility, name)
        assert f'hx-get="{url}"' in html
        assert f'href="{url}"' in html  # the same form without JavaScript
    for action in ("checklist-add", "followup-record", "agreement-sign"):
        assert f'action="{reverse(f"mobility:{action}", args=[mobility.pk])}' not in html
    assert 'name="to-cancelled-reason"' not in html


def test_a_sub_form_fetched_by_htmx_is_the_form_alone(client_of, referent_a, mobility, agreement):
    client = client_of(referent_a)
    response = client.get(_form_url(mobility, "followup"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'action="{reverse("mobility:followup-record", args=[mobility.pk])}#followups"' in html
    assert 'name="channel"' in html
    signature = client.get(_form_url(mobility, "sign-learner"), **HTMX).content.decode()
    assert 'name="sign-learner-signer_name"' in signature
    assert f'value="{mobility.participant.full_name}"' in signature
    reason = client.get(_form_url(mobility, "to-cancelled"), **HTMX).content.decode()
    assert 'name="to-cancelled-reason"' in reason


def test_without_javascript_a_sub_form_is_a_page_that_posts_to_the_mobility(client_of, referent_a, mobility):
    response = client_of(referent_a).get(_form_url(mobility, "checklist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "Add a task</h1>" in html
    assert f'href="/mobilities/{mobility.pk}/"' in html
    assert f'action="{reverse("mobility:checklist-add", args=[mobility.pk])}#checklist"' in html


def test_a_sub_form_with_an_error_comes_back_drawn_and_open(client_of, referent_a, mobility):
    response = client_of(referent_a).post(reverse("mobility:checklist-add", args=[mobility.pk]), {})
    html = response.content.decode()
    assert response.status_code == 400
    action = f'action="{reverse("mobility:checklist-add", args=[mobility.pk])}#checklist"'
    assert action in html
    details = html[: html.index(action)].rsplit("<details", 1)[1]
    assert " open" in details.split(">", 1)[0]
    assert "errorlist" in html[html.index(action) :].split("</form>", 1)[0]


def test_a_sub_form_the_page_does_not_offer_is_not_found(client_of, referent_a, mobility, agreement):
    client = client_of(referent_a)
    agreements_services.agreement_sign(
        agreement=agreement,
        party=Party.LEARNER,
        signer_name="Léa",
        method=SignatureMethod.IN_APP,
        scan=None,
        acting_user=referent_a,
    )
    for name in ("sign-learner", "sign-nobody", "to-planned", "to", "nothing", "checklist-1"):
        assert client.get(_form_url(mobility, name), **HTMX).status_code == 404, name
    assert client.get(_form_url(mobility, "sign-sending"), **HTMX).status_code == 200


def test_a_read_only_colleague_gets_no_sub_form(client_of, readonly_a, mobility):
    assert client_of(readonly_a).get(_form_url(mobility, "checklist"), **HTMX).status_code == 403
