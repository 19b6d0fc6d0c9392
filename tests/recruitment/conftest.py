"""A call of centre A, open, with two places and a grid; helpers to read the secrets of e-mails."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from mobility.recruitment.models import Application, CriterionSource
from mobility.recruitment.services import calls
from partners.emails.models import OutboundEmail
from partners.emails.secrets import finalise
from tests import factories


@pytest.fixture
def referent_a2(centre_a):
    from partners.accounts.roles import Role

    user = factories.UserFactory(email="gina@montclar.example")
    factories.MembershipFactory(user=user, organisation=centre_a, role=Role.REFERENT)
    return user


@pytest.fixture
def host(db):
    return factories.HostCompanyFactory(name="Panadería Sol", city="Valencia", country="ES")


@pytest.fixture
def call(centre_a, referent_a, host):
    today = timezone.localdate()
    call = calls.call_create(
        centre=centre_a,
        data={
            "title": "Boulangers à Valence",
            "description": "Quatre semaines en boulangerie.",
            "activity_type": factories.activity(),
            "opens_on": today - datetime.timedelta(days=5),
            "closes_on": today + datetime.timedelta(days=20),
            "asks_cv": True,
            "asks_letter": True,
            "language": "es",
        },
        acting_user=referent_a,
    )
    start = today + datetime.timedelta(days=60)
    calls.place_add(
        call=call,
        data={
            "host_organisation": host,
            "places": 1,
            "start": start,
            "end": start + datetime.timedelta(days=20),
            "country": "ES",
            "city": "Valencia",
        },
        acting_user=referent_a,
    )
    calls.place_add(
        call=call,
        data={
            "city": "Porto",
            "country": "PT",
            "places": 1,
            "start": start,
            "end": start + datetime.timedelta(days=20),
        },
        acting_user=referent_a,
    )
    calls.criterion_add(
        call=call, data={"label": "Motivation", "weight": 3, "max_points": 10}, acting_user=referent_a
    )
    calls.criterion_add(
        call=call, data={"label": "Langue", "weight": 1, "max_points": 10}, acting_user=referent_a
    )
    calls.criterion_add(
        call=call,
        data={
            "label": "Moins d'opportunités",
            "weight": 2,
            "max_points": 1,
            "source": CriterionSource.FEWER_OPPORTUNITIES,
        },
        acting_user=referent_a,
    )
    return calls.call_transition(call=call, to_status="open", acting_user=referent_a)


def secret_of(application: Application, kind: str, *, to: str | None = None) -> str:
    """What the latest e-mail of ``kind`` about the application carries (made as at delivery)."""
    message = (
        OutboundEmail.objects.filter(kind=kind, related_id=str(application.pk), **({"to": to} if to else {}))
        .order_by("-pk")
        .first()
    )
    assert message is not None, f"no {kind} e-mail"
    text, _html = finalise(message)
    if kind == "application_code":
        return re.search(r"\b(\d{6})\b", text).group(1)
    return re.search(r"https?://\S+/apply/link/(\S+?)/", text).group(1)
