"""Demo recruitment: an open call per centre with places, a grid and a few applications (fictional)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mobility.catalogue.models import ActivityType
from mobility.recruitment.models import (
    Answer,
    Application,
    ApplicationStatus,
    Call,
    CriterionSource,
    Preference,
)
from mobility.recruitment.services import calls, selection
from partners.accounts.models import User
from partners.directory.models import Organisation

CANDIDATES = (
    ("Maëlys", "Garnier", "Boulangerie", True, Answer.AGREED),
    ("Yanis", "Roussel", "Pâtisserie", True, Answer.PENDING),
    ("Clara", "Vidal", "Boulangerie", False, Answer.PENDING),
)


def seed_calls(centre: Organisation, referent: User, hosts: list[Organisation]) -> Call | None:
    """One open call of the centre (made once), with three submitted applications, one of them scored."""
    title = "Boulangers et pâtissiers en Europe"
    existing = Call.objects.filter(centre=centre, title=title).first()
    if existing is not None or not hosts:
        return existing
    today = timezone.localdate()
    call = calls.call_create(
        centre=centre,
        data={
            "title": title,
            "description": "Quatre semaines dans une entreprise partenaire, au printemps. Voyage et hébergement pris en charge.",
            "translations": {
                "en": {
                    "title": "Bakers and pastry cooks in Europe",
                    "description": "Four weeks in a partner company in spring; travel and accommodation paid.",
                }
            },
            "activity_type": ActivityType.objects.get(code="vet-short-term"),
            "eligible_trades": "Boulangerie, Pâtisserie",
            "opens_on": today - timedelta(days=10),
            "closes_on": today + timedelta(days=30),
            "language": "es",
        },
        acting_user=referent,
    )
    start = today + timedelta(days=90)
    for host in hosts[:2]:
        calls.place_add(
            call=call,
            data={"host_organisation": host, "places": 2, "start": start, "end": start + timedelta(days=25)},
            acting_user=referent,
        )
    for label, weight, maximum, source in (
        ("Motivation", 4, 10, CriterionSource.SCORED),
        ("Langue", 2, 10, CriterionSource.SCORED),
        ("Entretien avec le référent", 3, 10, CriterionSource.SCORED),
        ("Assiduité", 2, 10, CriterionSource.SCORED),
        ("Priorité moins d'opportunités", 2, 1, CriterionSource.FEWER_OPPORTUNITIES),
    ):
        calls.criterion_add(
            call=call,
            data={"label": label, "weight": weight, "max_points": maximum, "source": source},
            acting_user=referent,
        )
    calls.call_transition(call=call, to_status="open", acting_user=referent)
    places = list(call.places.order_by("pk"))
    for n, (first, last, trade, apprentice, answer) in enumerate(CANDIDATES, start=1):
        application = Application.objects.create(
            call=call,
            centre=centre,
            first_name=first,
            last_name=last,
            date_of_birth=today.replace(year=today.year - 19) - timedelta(days=n * 40),
            email=f"{first.lower()}.{last.lower()}@apprentis.example".replace("ë", "e"),
            trade=trade,
            training_year=2,
            is_apprentice=apprentice,
            employer_name="Boulangerie Durand" if apprentice else "",
            employer_contact_name="Martine Durand" if apprentice else "",
            employer_email="contact@boulangerie-durand.example" if apprentice else "",
            employer_answer=answer,
            employer_answer_by="Martine Durand" if answer == Answer.AGREED else "",
            employer_answer_at=timezone.now() if answer == Answer.AGREED else None,
            motivation="Je veux découvrir d'autres façons de travailler le pain.",
            cefr=dict.fromkeys(
                ("listening", "reading", "spoken_interaction", "spoken_production", "writing"), "A2"
            ),
            consent_at=timezone.now(),
            email_verified_at=timezone.now(),
            submitted_at=timezone.now(),
            status=ApplicationStatus.SUBMITTED,
        )
        for rank, place in enumerate(places if n % 2 else places[::-1], start=1):
            Preference.objects.create(application=application, place=place, rank=rank)
        if n == 1:
            criterion = call.criteria.get(label="Motivation")
            selection.score_record(
                application=application,
                criterion=criterion,
                points=8,
                comment="Projet clair, bien préparé.",
                acting_user=referent,
            )
    return call
