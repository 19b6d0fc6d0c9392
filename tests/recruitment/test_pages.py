"""The recruitment pages: constant query counts, typed text shown as text, one application per session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mobility.recruitment.models import Application
from partners.emails.models import OutboundEmail

from .test_flow import IDENTITY, _apply, _fill
from .test_rules import _candidate, _score

BAIT = "<script>alert(1)</script>{{ 7|add:1 }}"


@pytest.mark.parametrize("count", [2, 6])
def test_the_call_page_reads_a_constant_number_of_queries(
    count, call, centre_a, referent_a, client_of, django_assert_max_num_queries
):
    for n in range(1, count + 1):
        _score(_candidate(call, centre_a, n), referent_a, 5)
    staff = client_of(referent_a)
    with django_assert_max_num_queries(22):
        assert staff.get(reverse("mobility:call-detail", args=[call.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert staff.get(reverse("mobility:call-report", args=[call.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert staff.get(reverse("mobility:call-list")).status_code == 200


def test_the_application_page_reads_a_constant_number_of_queries(
    call, centre_a, referent_a, referent_a2, client_of, django_assert_max_num_queries
):
    application = _candidate(call, centre_a, 1)
    _score(application, referent_a, 5)
    _score(application, referent_a2, 7)
    staff = client_of(referent_a)
    with django_assert_max_num_queries(22):
        assert staff.get(reverse("mobility:application-detail", args=[application.pk])).status_code == 200


def test_the_public_and_the_candidate_s_pages_read_few_queries(call, centre_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert Client().get(reverse("recruitment:call", args=[call.public_key])).status_code == 200
    client, _application = _apply(call, centre_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("recruitment:application")).status_code == 200


def test_typed_text_is_shown_as_text_on_the_pages_and_in_the_e_mail(call, centre_a, referent_a, client_of):
    client, application = _apply(call, centre_a, {**IDENTITY, "first_name": BAIT})
    _fill(client, application, call)
    Application.objects.filter(pk=application.pk).update(motivation=BAIT)
    for page in (
        client_of(referent_a).get(reverse("mobility:application-detail", args=[application.pk])),
        client.get(reverse("recruitment:application")),
    ):
        html = page.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html and "{{ 7|add:1 }}" in html
    message = OutboundEmail.objects.filter(kind="application_applicant").latest("pk")
    assert "{{ 7|add:1 }}" in message.body_text and "<script>" not in message.body_html


def test_a_session_reaches_its_own_application_only(call, centre_a):
    lea, _ = _apply(call, centre_a)
    tom, _ = _apply(
        call,
        centre_a,
        {**IDENTITY, "first_name": "Tom", "email": "tom@apprentis.example", "national_id": "999"},
    )
    assert "Tom" not in lea.get(reverse("recruitment:application")).content.decode()
    assert "Léa" not in tom.get(reverse("recruitment:application")).content.decode()


def test_a_call_is_written_in_several_languages_and_shown_in_the_visitor_s(centre_a, referent_a, client_of):
    import datetime

    from django.utils import timezone

    from mobility.recruitment.models import Call
    from tests import factories

    today = timezone.localdate()
    response = client_of(referent_a).post(
        reverse("mobility:call-create"),
        {
            "title": "Boulangers à Valence",
            "description": "Quatre semaines.",
            "activity_type": factories.activity().pk,
            "opens_on": str(today),
            "closes_on": str(today + datetime.timedelta(days=10)),
            "appeal_days": "8",
            "title_de": "Bäcker in Valencia",
            "description_de": "Vier Wochen.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get()
    assert call.translations == {"de": {"title": "Bäcker in Valencia", "description": "Vier Wochen."}}
    call.status = "open"
    call.save(update_fields=["status"])
    page = Client().get(reverse("recruitment:call", args=[call.public_key]), HTTP_ACCEPT_LANGUAGE="de")
    assert "Bäcker in Valencia" in page.content.decode()


def test_the_dashboard_and_the_activity_report_count_open_calls_and_unscored_applications(
    call, centre_a, referent_a, client_of
):
    from mobility.recruitment.selectors import recruitment_figures

    _candidate(call, centre_a, 1)
    page = client_of(referent_a).get(reverse("dashboard")).content.decode()
    assert "open calls for applications" in page and "applications awaiting your scores" in page
    assert dict(recruitment_figures(centre_ids={centre_a.pk})) == {
        "Open calls for applications": "1",
        "Applications awaiting scoring": "1",
    }
