"""Matrix of the pages of people without an account (``guest:``: tutor, learner, sending employer)
and of the referent's pages around them (``evaluations:``).

The world: centre A's mobility in Valencia, finished, its tutor's evaluation submitted; its tutor,
learner and employer each hold a link (``tests/permissions/base.py`` opens them). A guest page
answers its own person (each role sees what is theirs, 404 for the rest); without a guest session
it leads to the "lost link" page (302). Staff pages send guests to the login page, another
chamber's referent and the operator (no membership) get 404.
"""

from __future__ import annotations

import datetime
import io
import secrets

from django.core.files.storage import default_storage
from django.utils import timezone

from mobility.catalogue.models import Assignee, DocumentType, Step
from mobility.documents.models import Document
from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus, OutcomeAssessment
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from mobility.tracking.models import ChecklistItem
from partners.emails.models import OutboundEmail

from .. import factories
from .base import GUESTS, ROLES, Route, everyone, expect, world_object

LOST = 302  # to the "lost link" page, which explains how to get in again


# --- Centre A's mobility and its three guests -------------------------------------------------
@world_object
def guest_mobility(w):
    employer = factories.HostCompanyFactory(kind="sending_employer", name="Boulangerie Martin", country="FR")
    contact = factories.ContactFactory(
        organisation=employer,
        email="paul@boulangerie-martin.example",
        is_tutor=False,
        is_employer_contact=True,
    )
    learner = factories.LearnerFactory(
        centre=w.centre_a, email="lea@apprentis.example", employer=employer, employer_contact=contact
    )
    mobility = factories.MobilityFactory(
        participant=learner,
        host_organisation=w.host_company,
        host_tutor=w.tutor_contact,
        status=MobilityStatus.COMPLETED,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
        evaluation_due=datetime.date(2026, 4, 10),
    )
    agreement = factories.LearningAgreementFactory(mobility=mobility)
    outcome = factories.AgreementOutcomeFactory(agreement=agreement, description="Pétrir une pâte")
    # Written straight to the database: the matrix builds this world for every route.
    evaluation = Evaluation.objects.create(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        status=EvaluationStatus.SUBMITTED,
        author_name="Tutor",
        tasks_carried_out="T",
        overall_comment="Bien",
        submitted_at=timezone.now(),
    )
    OutcomeAssessment.objects.create(evaluation=evaluation, outcome=outcome, result="achieved")
    return mobility


def _link(w, role):
    """The person's link, straight to the database (the matrix builds it for every route)."""
    mobility = w.guest_mobility
    person = guests.person_for(mobility=mobility, role=role)
    return AccessLink.objects.create(
        mobility=mobility,
        role=role,
        contact=person.contact,
        learner=person.learner if person.contact is None else None,
        email=person.email,
        language=person.language,
        lookup=secrets.token_urlsafe(9),
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=w.referent_a,
    )


@world_object
def guest_tutor_link(w):
    return _link(w, GuestRole.TUTOR)


@world_object
def guest_learner_link(w):
    return _link(w, GuestRole.LEARNER)


@world_object
def guest_employer_link(w):
    return _link(w, GuestRole.EMPLOYER)


@world_object
def guest_learner_task(w):
    return ChecklistItem.objects.create(
        mobility=w.guest_mobility, step=Step.PREPARE, title="Preparation day", assignee=Assignee.LEARNER
    )


@world_object
def guest_document(w):
    doc_type = DocumentType.objects.filter(code="insurance").first() or DocumentType.objects.create(
        code="insurance", name="Insurance certificate"
    )
    name = default_storage.save("documents/matrix.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    mobility = w.guest_mobility
    return Document.objects.create(
        centre_id=mobility.centre_id, learner=mobility.participant, mobility=mobility, document_type=doc_type,
        original_name="insurance.pdf", content_type="application/pdf", size=14, sha256="0" * 64, file=name,
    )  # fmt: skip


@world_object
def guest_email(w):
    mobility = w.guest_mobility
    w.guest_tutor_link  # noqa: B018  (nothing to read before something was sent)
    guests.link_send(
        link=w.guest_tutor_link, kind="guest.invitation.tutor", template="guest_invitation_tutor"
    )
    return OutboundEmail.objects.filter(related_id=str(mobility.pk)).first()


@world_object
def guest_incident(w):
    from mobility.care.models import Incident

    return Incident.objects.create(
        mobility=w.guest_mobility,
        kind="accident",
        severity="minor",
        occurred_on=datetime.date(2026, 3, 10),
        place="Valencia",
        description="Cut on the hand",
    )


def mob(w):
    return {"pk": w.guest_mobility.pk}


# --- Expectations -------------------------------------------------------------------------------
def guest_page(**own):
    """A guest page of the mobility: each guest role named gets its outcome, other guests 404;
    staff and anonymous visitors have no guest session (302 to the lost-link page)."""
    outcomes = dict.fromkeys(ROLES, LOST)
    outcomes.update(dict.fromkeys(GUESTS, 404))
    outcomes.update(own)
    return outcomes


def staff(ok, *, readonly=403):
    """A referent's page of the mobility: the operator has no membership (404, like an outsider)."""
    return expect(referent_b=404, readonly_a=readonly, referent_a=ok, chamber_admin=ok, operator=404)


ROUTES = [
    # Opening a link: a wrong key opens nothing, for anybody.
    Route("guest:exchange", everyone(404), kwargs=lambda w: {"key": "notavalidkeyforanybody"}),
    # A guest with one mobility goes straight to it; the others to the lost-link page.
    Route("guest:home", {**everyone(LOST), **dict.fromkeys(GUESTS, 302)}),
    Route("guest:lost", everyone(200)),
    # No code was asked for in these browsers.
    Route("guest:code", everyone(400), method="post", data=lambda w: {"code": "000000"}),
    Route("guest:leave", everyone(200), method="post"),
    # The same answer whatever the lookup and whoever asks (nothing to learn from it).
    Route(
        "guest:renew", everyone(200), method="post", kwargs=lambda w: {"lookup": w.guest_tutor_link.lookup}
    ),
    Route("guest:mobility", guest_page(tutor=200, learner=200, employer=200), kwargs=mob),
    Route("guest:confirm", guest_page(tutor=200), kwargs=mob),
    Route("guest:agreement", guest_page(tutor=200, learner=200), kwargs=mob),
    Route("guest:followups", guest_page(tutor=200), kwargs=mob),
    # The tutor's evaluation is submitted: its form leads to the read-only page, and the learner's
    # self-assessment, not started, the other way round.
    Route("guest:evaluation", guest_page(tutor=302, learner=200), kwargs=mob),
    Route("guest:evaluation_view", guest_page(tutor=200, learner=302), kwargs=mob),
    Route("guest:documents", guest_page(learner=200), kwargs=mob),
    Route(
        "guest:document",
        guest_page(learner=200),
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "document_pk": w.guest_document.pk},
    ),
    Route(
        "guest:checklist_done",
        guest_page(learner=302),
        method="post",
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "item_pk": w.guest_learner_task.pk},
        data=lambda w: {"done": "1"},
    ),
    Route("guest:feedback", guest_page(employer=200), kwargs=mob),
    # The end-of-stay questionnaire: the learner's own, once the stay has ended.
    Route("quality:guest_report", guest_page(learner=200), kwargs=mob),
    # --- The referent's side ------------------------------------------------------------------------
    Route(
        "evaluations:link_invite", staff(302), method="post", kwargs=mob, data=lambda w: {"role": "learner"}
    ),
    Route(
        "evaluations:link_resend",
        staff(302),
        method="post",
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "link_pk": w.guest_tutor_link.pk},
    ),
    Route(
        "evaluations:link_revoke",
        staff(302),
        method="post",
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "link_pk": w.guest_tutor_link.pk},
    ),
    Route("evaluations:remind", staff(302), method="post", kwargs=mob),
    Route("evaluations:review", staff(200, readonly=200), kwargs=mob),
    Route("evaluations:validate", staff(302), method="post", kwargs=mob),
    Route(
        "evaluations:send_back",
        staff(302),
        method="post",
        kwargs=mob,
        data=lambda w: {"comment": "Précisez les dates."},
    ),
    Route("evaluations:self_assessment", staff(200, readonly=200), kwargs=mob),
    Route("evaluations:employer_feedback", staff(200, readonly=200), kwargs=mob),
    # Refused for want of a validated evaluation, with a message (302) — after the capability check.
    Route("evaluations:debrief_send", staff(302), method="post", kwargs=mob),
    Route("evaluations:recognition", staff(200, readonly=200), kwargs=mob),
    Route("evaluations:outbox", staff(200, readonly=200), kwargs=mob),
    Route("quality:report", staff(200, readonly=200), kwargs=mob),
    Route("quality:report_send", staff(302), method="post", kwargs=mob),
    Route("care:incidents", staff(200, readonly=200), kwargs=mob),
    Route(
        "care:incident_edit",
        staff(200),
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "incident_pk": w.guest_incident.pk},
    ),
    # Who is abroad now: one's own centres' participants; the operator has no centre (404).
    Route(
        "care:abroad_now",
        expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=404),
    ),
    Route(
        "care:emergency_sheet",
        expect(referent_b=302, readonly_a=302, referent_a=302, chamber_admin=302, operator=404),
        method="post",
    ),
    # The quality record of the mobility's host, its status and labels, the placement's checklist.
    Route("quality:placement_check", staff(200, readonly=200), kwargs=mob),
    Route("quality:organisation", staff(200, readonly=200), kwargs=lambda w: {"pk": w.host_company.pk}),
    Route(
        "quality:organisation_status",
        staff(302),
        method="post",
        kwargs=lambda w: {"pk": w.host_company.pk},
        data=lambda w: {"status": "watch", "reason": "Late evaluations"},
    ),
    Route(
        "quality:organisation_label",
        staff(302),
        method="post",
        kwargs=lambda w: {"pk": w.host_company.pk},
        data=lambda w: {
            "name": "EQAMOB",
            "issuer": "CMA",
            "awarded_on": "2026-01-10",
            "expires_on": "2028-01-10",
        },
    ),
    # The list of one's own centres' reports: empty for an outsider, never another centre's.
    Route(
        "quality:reports",
        expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=200),
    ),
    Route(
        "evaluations:outbox_message",
        staff(200, readonly=200),
        kwargs=lambda w: {"pk": w.guest_mobility.pk, "email_pk": w.guest_email.pk},
    ),
]
