"""The whole path through the pages: a candidate applies (code, answers, CV), the employer agrees by
their link, two referents score, one selects, the mobility is planned with the place's host and dates."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mobility.recruitment.models import Answer, Application, ApplicationStatus
from mobility.recruitment.services import calls
from partners.audit.models import AuditEntry
from tests import factories

from .conftest import secret_of

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
IDENTITY = {
    "first_name": "Léa",
    "last_name": "Moreau",
    "date_of_birth": "2004-05-17",
    "email": "lea.moreau@apprentis.example",
    "national_id": "123456789AB",
    "trade": "Boulangerie",
    "training_year": "2",
    "is_apprentice": "on",
    "employer_name": "Boulangerie Martin",
    "employer_contact_name": "Paul Martin",
    "employer_email": "paul@boulangerie-martin.example",
    "consent": "on",
}


def _apply(call, centre, identity=IDENTITY):
    client = Client()
    public = client.get(reverse("recruitment:call", args=[call.public_key]))
    assert public.status_code == 200 and "Boulangers à Valence" in public.content.decode()
    response = client.post(
        reverse("recruitment:start", args=[call.public_key]), {**identity, "centre": centre.pk}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(email=identity["email"])
    return client, application


def _fill(client, application, call):
    code = secret_of(application, "application_code")
    assert client.post(reverse("recruitment:verify"), {"code": code}).status_code == 302
    cv = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("recruitment:upload"), {"kind": "cv", "file": cv}).status_code == 302
    places = list(call.places.order_by("pk"))
    answers = {"motivation": "J'aime le pain.", "choice_1": places[0].pk, "choice_2": places[1].pk}
    answers |= {
        f"cefr_{s}": "B1"
        for s in ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
    }
    saved = client.post(reverse("recruitment:save"), answers)
    assert saved.status_code == 302
    submitted = client.post(reverse("recruitment:save"), {**answers, "submit": "1"})
    assert submitted.status_code == 302, submitted.content.decode()[:3000]


def test_apply_agree_score_select_plan(centre_a, referent_a, referent_a2, call, host, client_of):
    client, application = _apply(call, centre_a)
    _fill(client, application, call)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # The employer agrees through their link (exchanged for a session, the address bar cleaned).
    key = secret_of(application, "application_employer")
    employer = Client()
    opened = employer.get(reverse("recruitment:exchange", args=[key]))
    assert opened.status_code == 302 and opened.url == reverse("recruitment:agreement")
    assert (
        employer.post(reverse("recruitment:agreement"), {"agreed": "yes", "by": "Paul Martin"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.employer_answer == Answer.AGREED and application.employer_answer_by == "Paul Martin"
    # The employer's session reaches the agreement only, not the candidate's page.
    assert employer.get(reverse("recruitment:application")).status_code == 302
    # Two referents score.
    motivation = call.criteria.get(label="Motivation")
    for referent, points in ((referent_a, 8), (referent_a2, 6)):
        staff = client_of(referent)
        r = staff.post(
            reverse("mobility:application-score", args=[application.pk]),
            {"criterion": motivation.pk, "points": points, "comment": "Bien"},
        )
        assert r.status_code == 302
    application.refresh_from_db()
    assert application.rank == 1 and str(application.score) == "2.10"
    # The call closes, one referent selects on the first place.
    calls.call_transition(call=call, to_status="closed", acting_user=referent_a)
    staff = client_of(referent_a)
    place = call.places.order_by("pk").first()
    r = staff.post(
        reverse("mobility:application-decide", args=[application.pk]),
        {"status": "selected", "place": place.pk},
    )
    assert r.status_code == 302
    r = staff.post(reverse("mobility:application-to-mobility", args=[application.pk]))
    assert r.status_code == 302
    application.refresh_from_db()
    mobility = application.mobility
    assert mobility.participant.full_name == "Léa Moreau"
    assert mobility.participant.national_id == "123456789AB"
    assert mobility.host_organisation == host
    assert (mobility.planned_start, mobility.planned_end) == (place.start, place.end)
    assert "Paul Martin" in mobility.notes
    actions = set(AuditEntry.objects.filter(target_id=str(application.pk)).values_list("action", flat=True))
    assert {
        "application.start",
        "application.submit",
        "application.employer_answer",
        "application.score",
        "application.decide",
        "application.to_mobility",
    } <= actions


def test_a_second_application_with_the_same_address_is_refused(centre_a, call):
    _apply(call, centre_a)
    response = Client().post(
        reverse("recruitment:start", args=[call.public_key]), {**IDENTITY, "centre": centre_a.pk}
    )
    assert response.status_code == 400
    assert "already uses this e-mail address" in response.content.decode()
    assert Application.objects.count() == 1


def test_after_the_closing_date_nothing_is_saved(centre_a, call):
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save(update_fields=["closes_on"])
    response = Client().post(
        reverse("recruitment:start", args=[call.public_key]), {**IDENTITY, "centre": centre_a.pk}
    )
    assert response.status_code == 400
    assert "Applications closed on" in response.content.decode()
    assert not Application.objects.exists()


def test_a_draft_call_has_no_public_page(centre_a, referent_a):
    draft = calls.call_create(
        centre=centre_a,
        data={
            "title": "Brouillon",
            "activity_type": factories.activity(),
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate(),
        },
        acting_user=referent_a,
    )
    assert Client().get(reverse("recruitment:call", args=[draft.public_key])).status_code == 404


def test_an_upload_with_a_lying_extension_is_refused(centre_a, call):
    client, application = _apply(call, centre_a)
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("recruitment:upload"), {"kind": "cv", "file": fake})
    assert response.status_code == 400
    assert not application.files.exists()


def test_a_minor_gets_a_guardian_link_and_cannot_be_selected_without_it(centre_a, referent_a, call):
    minor = {
        **IDENTITY,
        "email": "tom@apprentis.example",
        "national_id": "",
        "date_of_birth": str(timezone.localdate().replace(year=timezone.localdate().year - 16)),
        "is_apprentice": "",
        "guardian_name": "Anne Petit",
        "guardian_email": "anne@famille.example",
    }
    client, application = _apply(call, centre_a, minor)
    _fill(client, application, call)
    assert secret_of(application, "application_guardian")
    calls.call_transition(call=call, to_status="closed", acting_user=referent_a)
    from mobility.recruitment.services import selection

    application.refresh_from_db()
    problems = selection.blockers(application)
    assert any("guardian" in p for p in problems)
