"""The application's history: every state change, in words, on the staff page, in few queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from mobility.recruitment.history import application_history, describe
from mobility.recruitment.services import selection
from partners.audit.services import audit_record

from .test_rules import _candidate, _close, _score


def _decided(call, centre, referent, n=1):
    application = _candidate(call, centre, n)
    audit_record(action="application.submit", actor_label="Candidat", target=application,
                 centre_id=centre.pk)  # fmt: skip
    audit_record(action="application.employer_answer", actor_label="M. Martin <script>", target=application,
                 centre_id=centre.pk, data={"answer": "agreed"})  # fmt: skip
    _score(application, referent, 7)
    _close(call, referent)
    selection.application_decide(
        application=application, status="not_selected", reason="Trop de candidats", place=None,
        acting_user=referent,
    )  # fmt: skip
    application.refresh_from_db()
    selection.appeal_record(application=application, text="Je conteste")
    application.refresh_from_db()
    selection.appeal_decide(
        application=application, outcome="dismissed", reason="Confirmé", acting_user=referent
    )
    return application


def test_every_state_change_is_told_in_words(call, centre_a, referent_a):
    application = _decided(call, centre_a, referent_a)
    texts = [line.text for line in describe(application_history(application=application))]
    assert texts[::-1] == [
        "Application submitted",
        "Employer's agreement: agreed",
        "Scored: 7 points for “Motivation”",
        "Decision: Not selected (was “Submitted”)",
        "Appeal made",
        "Appeal decided (dismissed: decision stands)",
    ]
    with translation.override("fr"):
        french = [line.text for line in describe(application_history(application=application))]
    assert "Candidature déposée" in french
    assert french[0].startswith("Recours tranché")


@pytest.mark.parametrize("count", [1, 4])
def test_the_history_shows_on_the_staff_page_in_constant_queries(
    count, call, centre_a, referent_a, client_of, django_assert_max_num_queries
):
    application = _decided(call, centre_a, referent_a)
    for n in range(count):
        audit_record(action="application.submit", actor_label=f"Candidat {n}", target=application,
                     centre_id=centre_a.pk)  # fmt: skip
    staff = client_of(referent_a)
    with django_assert_max_num_queries(23):
        page = staff.get(reverse("mobility:application-detail", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Appeal decided (dismissed: decision stands)" in html
    assert "M. Martin &lt;script&gt;" in html and "<script>" not in html.split("h-history")[1]


def test_another_centre_s_entries_stay_out(call, centre_a, centre_b, referent_a):
    application = _candidate(call, centre_a, 1)
    audit_record(action="application.submit", target_type="mobility.Application",
                 target_id=application.pk, centre_id=centre_b.pk)  # fmt: skip
    assert application_history(application=application) == []
