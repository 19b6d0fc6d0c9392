"""A mobility of centre A under way in Valencia, its tutor, and helpers to read the e-mailed links."""

import datetime
import re

import pytest
from django.core import mail

from mobility.evaluations.models import EvaluationKind
from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from partners.emails.delivery import email_deliver
from partners.emails.models import EmailStatus, OutboundEmail

from .. import factories

LINK_RE = re.compile(r"https?://[^\s\"'<>]+/t/([A-Za-z0-9_-]+)")
CODE_RE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a temporary folder, never to the working copy's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def learner(centre_a):
    employer = factories.HostCompanyFactory(kind="sending_employer", name="Boulangerie Martin", country="FR")
    contact = factories.ContactFactory(
        organisation=employer,
        first_name="Paul",
        last_name="Martin",
        email="paul@boulangerie-martin.example",
        preferred_language="fr",
        is_tutor=False,
        is_employer_contact=True,
    )
    return factories.LearnerFactory(
        centre=centre_a,
        first_name="Léa",
        last_name="Dupont",
        email="lea.dupont@apprentis.example",
        employer=employer,
        employer_contact=contact,
    )


@pytest.fixture
def tutor():
    host = factories.HostCompanyFactory(name="Panadería Sol S.L.")
    return factories.ContactFactory(
        organisation=host,
        first_name="Lucía",
        last_name="García",
        email="lucia@panaderia-sol.example",
        preferred_language="es",
    )


@pytest.fixture
def mobility(learner, tutor):
    """In progress: the placement runs from 2 to 27 March 2026, evaluation due on 10 April."""
    mobility = factories.MobilityFactory(
        participant=learner,
        host_organisation=tutor.organisation,
        host_tutor=tutor,
        status=MobilityStatus.IN_PROGRESS,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
        evaluation_due=datetime.date(2026, 4, 10),
    )
    agreement = factories.LearningAgreementFactory(mobility=mobility)
    factories.AgreementOutcomeFactory(agreement=agreement, description="Pétrir une pâte à pain", order=1)
    factories.AgreementOutcomeFactory(agreement=agreement, description="Cuire au four à bois", order=2)
    agreement.translations = {
        "es": {
            "objectives": "Descubrir la panadería española.",
            "outcomes": ["Amasar una masa de pan", "Hornear en horno de leña"],
        }
    }
    agreement.save(update_fields=["translations"])
    return mobility


@pytest.fixture
def other_mobility(centre_a):
    """Another mobility of the same centre, with another tutor."""
    return factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a), status=MobilityStatus.IN_PROGRESS
    )


def deliver_all() -> list:
    """Delivers every queued e-mail as the worker would; returns the messages that left."""
    start = len(mail.outbox)
    for pk in (
        OutboundEmail.objects.filter(status=EmailStatus.QUEUED).order_by("pk").values_list("pk", flat=True)
    ):
        email_deliver(message_id=pk)
    return mail.outbox[start:]


def key_from(message) -> str:
    found = LINK_RE.search(message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def invite(referent_a):
    """``invite(mobility, role)`` sends the link and returns the key the person received."""

    def send(mobility, role=GuestRole.TUTOR, user=None):
        guests.access_link_invite(mobility=mobility, role=role, acting_user=user or referent_a)
        sent = deliver_all()
        assert sent, "no e-mail left"
        return key_from(sent[-1])

    return send


@pytest.fixture
def tutor_client(client, mobility, invite):
    """A browser that opened the tutor's link of ``mobility``."""
    key = invite(mobility)
    response = client.get(f"/t/{key}")
    assert response.status_code == 302
    return client


__all__ = ["CODE_RE", "EvaluationKind", "deliver_all", "key_from"]
