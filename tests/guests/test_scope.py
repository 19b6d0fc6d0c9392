"""Scope of the guest sessions: a tutor, a learner or an employer reaches their own mobility only.

(The route × role matrix of these pages is in ``tests/permissions/guests.py``.)
"""

import datetime

import pytest
from django.test import Client

from mobility.catalogue.models import Assignee, DocumentType, Step
from mobility.documents.models import Document
from mobility.evaluations.models import EvaluationKind
from mobility.evaluations.services import evaluation as evaluations
from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from mobility.tracking.models import ChecklistItem
from partners.emails.models import OutboundEmail

from .. import factories
from .conftest import deliver_all, key_from

pytestmark = pytest.mark.django_db

GUEST_PAGES = (
    "/guest/{mobility}/",
    "/guest/{mobility}/confirm/",
    "/guest/{mobility}/agreement/",
    "/guest/{mobility}/follow-ups/",
    "/guest/{mobility}/evaluation/",
    "/guest/{mobility}/evaluation/view/",
    "/guest/{mobility}/documents/",
    "/guest/{mobility}/documents/{document}/",
    "/guest/{mobility}/tasks/{task}/",
    "/guest/{mobility}/feedback/",
)


@pytest.fixture
def world(mobility, referent_a, centre_a):
    """Mobility A finished, evaluated by its tutor (validated), with a learner task, a document and
    the three guests' browsers."""
    task = ChecklistItem.objects.create(
        mobility=mobility, step=Step.PREPARE, title="Preparation day", assignee=Assignee.LEARNER
    )
    doc_type = DocumentType.objects.filter(code="insurance").first() or DocumentType.objects.create(
        code="insurance", name="Insurance"
    )
    document = Document.objects.create(
        centre_id=mobility.centre_id, learner=mobility.participant, mobility=mobility, document_type=doc_type,
        original_name="a.pdf", content_type="application/pdf", size=3, sha256="0" * 64, file="documents/a.pdf",
    )  # fmt: skip
    from django.core.files.storage import default_storage

    default_storage.save("documents/a.pdf", __import__("io").BytesIO(b"%PDF"))
    clients = {}
    for role in (GuestRole.TUTOR, GuestRole.LEARNER):
        guests.access_link_invite(mobility=mobility, role=role, acting_user=referent_a)
        clients[role] = Client()
        clients[role].get(f"/t/{key_from(deliver_all()[-1])}")
    from .test_evaluations import _submitted

    # The tutor's evaluation validated (the employer's debrief leaves), then a fresh one submitted
    # for the review routes: the self-assessment stands for it.
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent_a)
    clients[GuestRole.EMPLOYER] = Client()
    clients[GuestRole.EMPLOYER].get(f"/t/{key_from(deliver_all()[-1])}")
    mobility.evaluations.filter(kind=EvaluationKind.TUTOR).update(status="submitted")
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    link = guests.live_link(mobility=mobility, role=GuestRole.TUTOR)
    values = {
        "mobility": mobility.pk,
        "lookup": link.lookup,
        "link": link.pk,
        "document": document.pk,
        "task": task.pk,
        "email": OutboundEmail.objects.filter(related_id=str(mobility.pk)).first().pk,
    }
    return values, clients


def test_a_guest_cannot_reach_another_mobility_of_the_same_centre(world, centre_a):
    _values, clients = world
    other = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a),
        status=MobilityStatus.IN_PROGRESS,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
    )
    for role, client in clients.items():
        for template in GUEST_PAGES:
            path = template.format(mobility=other.pk, document=1, task=1)
            response = client.get(path) if "tasks" not in path else client.post(path)
            assert response.status_code == 404, (role, path)
