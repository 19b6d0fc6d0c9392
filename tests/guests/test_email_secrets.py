"""A delivered e-mail carries only the personal links bound to it when it was queued.

Text typed by people (names, centre names, comments) is rendered into the e-mails; text that looks
like a placeholder must come out as typed and never mint a secret — not for another chamber's
mobility, not for another person of the same mobility.
"""

import datetime
import re

import pytest
from django.core.cache import cache

from mobility.evaluations import selectors as evaluations_selectors
from mobility.evaluations.models import EvaluationKind
from mobility.evaluations.services import evaluation as evaluations
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry
from partners.emails.models import EmailStatus, OutboundEmail
from tests.workers import Worker, wait_for

from .. import factories
from .conftest import LINK_RE, deliver_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim_links(centre_b, referent_b):
    """Live tutor and learner links of a mobility of another chamber's centre, already e-mailed."""
    host = factories.HostCompanyFactory(name="Bäckerei Sonne")
    tutor = factories.ContactFactory(organisation=host, email="anna@baeckerei-sonne.example")
    mobility = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_b, email="victim@apprentis.example"),
        host_organisation=host,
        host_tutor=tutor,
        status=MobilityStatus.IN_PROGRESS,
    )
    for role in (GuestRole.TUTOR, GuestRole.LEARNER):
        guests.access_link_invite(mobility=mobility, role=role, acting_user=referent_b)
    deliver_all()
    return list(AccessLink.objects.filter(mobility=mobility).order_by("pk"))


@pytest.fixture
def learner_link(mobility, referent_a):
    """The learner's own link on the attacker's mobility: the tutor must not receive it either."""
    guests.access_link_invite(mobility=mobility, role=GuestRole.LEARNER, acting_user=referent_a)
    deliver_all()
    return AccessLink.objects.get(mobility=mobility, role=GuestRole.LEARNER)


@pytest.fixture
def bait(victim_links, learner_link):
    links = [*victim_links, learner_link]
    forged = " ".join(f"[[link:{link.pk}]]" for link in links)
    return f"{forged} [[link:{links[0].pk}:{'0' * 32}]] [[code:x]]"


def _hashes(links):
    return {link.pk: (link.token_hash, list(link.earlier_token_hashes)) for link in links}


def _fresh(links):
    return [AccessLink.objects.get(pk=link.pk) for link in links]


def _submitted(mobility, overall_comment="Bien"):
    outcomes = [o.pk for o in evaluations_selectors.evaluation_outcomes(mobility=mobility)]
    skills = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
    evaluations.evaluation_save_draft(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        data={
            "tasks_carried_out": "T",
            "job_related_skills": "J",
            "language_skills": [{"language": "es", **dict.fromkeys(skills, "B1")}],
            "attended_from": datetime.date(2026, 3, 2),
            "attended_to": datetime.date(2026, 3, 27),
            "absence_days": 0,
            "overall_comment": overall_comment,
            "signatory_name": "Lucía García",
            "signatory_position": "Maestra panadera",
        },
        assessments={pk: {"result": "achieved"} for pk in outcomes},
        author_name="Lucía García",
        language="es",
        actor_label="Lucía García (Host tutor)",
    )
    evaluation, _ = evaluations.evaluation_submit(
        mobility=mobility, kind=EvaluationKind.TUTOR, actor_label="L"
    )
    return evaluation


# Each case puts the bait in one field that people type and that reaches a guest e-mail, then has
# the platform send that e-mail.
def _tutor_name(mobility, bait, referent):
    mobility.host_tutor.last_name = bait
    mobility.host_tutor.save(update_fields=["last_name"])
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent)


def _learner_name(mobility, bait, referent):
    mobility.participant.first_name = bait
    mobility.participant.save(update_fields=["first_name"])
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent)


def _centre_name(mobility, bait, referent):
    mobility.centre.name = bait
    mobility.centre.short_name = ""
    mobility.centre.save(update_fields=["name", "short_name"])
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent)


def _host_name(mobility, bait, referent):
    host = mobility.host_organisation
    host.name, host.short_name = bait, ""
    host.save(update_fields=["name", "short_name"])
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent)


def _referent_name(mobility, bait, referent):
    referent.last_name = bait
    referent.save(update_fields=["last_name"])
    evaluations.evaluation_send_back(evaluation=_submitted(mobility), acting_user=referent, comment="Dates?")


def _send_back_comment(mobility, bait, referent):
    evaluations.evaluation_send_back(evaluation=_submitted(mobility), acting_user=referent, comment=bait)


def _tutor_overall_comment(mobility, bait, referent):
    evaluations.evaluation_validate(
        evaluation=_submitted(mobility, overall_comment=bait), acting_user=referent
    )


def _employer_contact_name(mobility, bait, referent):
    contact = mobility.participant.employer_contact
    contact.first_name = bait
    contact.save(update_fields=["first_name"])
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent)


def _lost_link_learner_name(mobility, bait, referent):
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent)
    deliver_all()
    mobility.participant.last_name = bait
    mobility.participant.save(update_fields=["last_name"])
    guests.lost_link_send(email=mobility.host_tutor.email, request_id="req-1", language="es")


CASES = {
    "tutor name": (_tutor_name, "guest.invitation.tutor"),
    "learner name": (_learner_name, "guest.invitation.tutor"),
    "centre name": (_centre_name, "guest.invitation.tutor"),
    "host company name": (_host_name, "guest.invitation.employer"),
    "referent name": (_referent_name, "guest.returned"),
    "send-back comment": (_send_back_comment, "guest.returned"),
    "tutor's overall comment": (_tutor_overall_comment, "guest.invitation.employer"),
    "employer contact name": (_employer_contact_name, "guest.invitation.employer"),
    "learner name in a lost-link e-mail": (_lost_link_learner_name, "guest.lost_link"),
}


def _parts(sent):
    return [sent.body, *(content for content, _mimetype in sent.alternatives)]


@pytest.mark.parametrize("field", list(CASES))
def test_a_placeholder_typed_into_a_field_mints_nothing_and_is_delivered_as_typed(
    field, mobility, referent_a, bait, victim_links, learner_link
):
    make, kind = CASES[field]
    others = [*victim_links, learner_link]
    before = _hashes(others)
    make(mobility, bait, referent_a)
    message = OutboundEmail.objects.filter(kind=kind).latest("pk")
    sent = [m for m in deliver_all() if message.to in m.to[0]][-1]
    assert OutboundEmail.objects.get(pk=message.pk).status == EmailStatus.SENT
    assert _hashes(_fresh(others)) == before  # nobody else's secret was made, nobody's pushed out
    for part in _parts(sent):
        assert f"[[link:{victim_links[0].pk}]]" in part  # the bait comes out as typed
        keys = LINK_RE.findall(part)
        assert keys, part
        for key in keys:  # the only link in it is the recipient's own, on this mobility
            link = AccessLink.objects.get(lookup=key[: guests.LOOKUP_LENGTH])
            assert link.email == message.to and link.mobility_id == mobility.pk


def test_every_secret_made_at_delivery_is_audited_with_the_message(mobility, referent_a):
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    assert not AuditEntry.objects.filter(action="access_link.issue").exists()  # nothing made at queue time
    deliver_all()
    link = AccessLink.objects.get(mobility=mobility, role=GuestRole.TUTOR)
    entry = AuditEntry.objects.get(action="access_link.issue")
    assert (entry.target_id, entry.data["email"], entry.centre_id) == (
        str(link.pk),
        message.pk,
        mobility.centre_id,
    )


def test_the_lost_link_email_audits_each_link_and_the_code_it_carries(mobility, other_mobility, referent_a):
    tutor = mobility.host_tutor
    other_mobility.host_tutor = tutor
    other_mobility.save(update_fields=["host_tutor"])
    for each in (mobility, other_mobility):
        guests.access_link_invite(mobility=each, role=GuestRole.TUTOR, acting_user=referent_a)
    deliver_all()
    # What the lost-link page leaves for the worker (the request itself is covered in test_links).
    cache.set(guests._code_key("req-2"), {"email": tutor.email}, 60)
    message = guests.lost_link_send(email=tutor.email, request_id="req-2", language="es")
    sent = deliver_all()[-1]
    assert len(LINK_RE.findall(sent.body)) == 2 and re.search(r"\b\d{6}\b", sent.body)
    issued = AuditEntry.objects.filter(action="access_link.issue", data__email=message.pk)
    assert issued.count() == 2
    assert AuditEntry.objects.filter(action="guest_code.issue", data__email=message.pk).exists()


def test_a_link_that_no_longer_belongs_to_the_recipient_is_not_made(mobility, referent_a, tutor):
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    link = AccessLink.objects.get(mobility=mobility, role=GuestRole.TUTOR)
    AccessLink.objects.filter(pk=link.pk).update(email="someone-else@elsewhere.example")
    before = AccessLink.objects.get(pk=link.pk).token_hash
    sent = deliver_all()[-1]
    assert not LINK_RE.search(sent.body) and "/guest/lost/" in sent.body
    assert AccessLink.objects.get(pk=link.pk).token_hash == before


def test_a_guest_email_queued_before_the_upgrade_carries_its_own_link_and_no_one_elses(
    mobility, referent_a, victim_links, learner_link
):
    import importlib

    from django.apps import apps

    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    deliver_all()
    own = AccessLink.objects.get(mobility=mobility, role=GuestRole.TUTOR)
    others = [*victim_links, learner_link]
    forged = " ".join(f"[[link:{link.pk}]]" for link in others)
    stored = {
        status: OutboundEmail.objects.create(
            kind="guest.reminder.evaluation",
            to=own.email,
            language="es",
            subject="Recordatorio",
            body_text=f"Estimado/a {forged}:\n[[link:{own.pk}]]\n",
            body_html=f'<p>{forged}</p><a href="[[link:{own.pk}]]">[[link:{own.pk}]]</a>',
            status=status,
            centre_id=mobility.centre_id,
            related_type="mobility.Mobility",
            related_id=str(mobility.pk),
        )
        for status in (EmailStatus.SENT, EmailStatus.QUEUED)
    }
    before = _hashes(others)
    migration = importlib.import_module("partners.migrations.0007_email_secrets_bound_at_queue_time")
    migration.bind_stored_placeholders(apps, None)
    sent = deliver_all()[-1]
    assert OutboundEmail.objects.get(pk=stored[EmailStatus.QUEUED].pk).status == EmailStatus.SENT
    for part in _parts(sent):
        assert {key[: guests.LOOKUP_LENGTH] for key in LINK_RE.findall(part)} == {own.lookup}
    assert _hashes(_fresh(others)) == before
    stored[EmailStatus.SENT].refresh_from_db()
    assert stored[EmailStatus.SENT].placeholders == []  # a sent e-mail never makes anything again


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_bait_as_typed_and_only_the_tutors_own_link(
    mobility, referent_a, centre_b, referent_b
):
    host = factories.HostCompanyFactory(name="Bäckerei Sonne")
    victim = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_b, email="victim@apprentis.example"),
        host_organisation=host,
        host_tutor=factories.ContactFactory(organisation=host, email="anna@baeckerei-sonne.example"),
        status=MobilityStatus.IN_PROGRESS,
    )
    worker = Worker(env={"EMAIL_URL": "consolemail://"})
    try:
        worker.wait_ready()
        for role in (GuestRole.TUTOR, GuestRole.LEARNER):
            guests.access_link_invite(mobility=victim, role=role, acting_user=referent_b)
        wait_for(
            lambda: OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 2,
            timeout=60,
            what=f"the victim's invitations to be sent (worker log: {worker.log_path})",
        )
        victims = list(AccessLink.objects.filter(mobility=victim))
        before = _hashes(victims)
        forged = " ".join(f"[[link:{link.pk}]]" for link in victims)
        _learner_name(mobility, forged, referent_a)
        message = OutboundEmail.objects.get(kind="guest.invitation.tutor", to=mobility.host_tutor.email)
        wait_for(
            lambda: OutboundEmail.objects.filter(pk=message.pk, status=EmailStatus.SENT).exists(),
            timeout=60,
            what=f"the tutor's invitation to be sent (worker log: {worker.log_path})",
        )
        sent = worker.output()
        ours = sent[sent.index(mobility.host_tutor.email) :]
        assert forged in ours
        own = AccessLink.objects.get(mobility=mobility, role=GuestRole.TUTOR)
        assert {key[: guests.LOOKUP_LENGTH] for key in LINK_RE.findall(ours)} == {own.lookup}
        assert _hashes(_fresh(victims)) == before
    finally:
        worker.stop()
