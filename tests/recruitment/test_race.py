"""Two referents give the last place at the same moment: one wins, the other is told (real
PostgreSQL transactions in two threads)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mobility.recruitment.models import ApplicationStatus
from mobility.recruitment.services import calls, selection

from .test_rules import _candidate

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_referents_giving_the_last_place_at_once(call, centre_a, referent_a, referent_a2):
    place = call.places.order_by("pk").first()  # one place
    first, second = _candidate(call, centre_a, 1), _candidate(call, centre_a, 2)
    calls.call_transition(call=call, to_status="closed", acting_user=referent_a)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def decide(application, referent):
        try:
            start.wait()
            selection.application_decide(
                application=application, status="selected", reason="", place=place, acting_user=referent
            )
            outcomes[application.pk] = "selected"
        except ValidationError as exc:
            outcomes[application.pk] = " ".join(exc.message_dict.get("place", []))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=args) for args in ((first, referent_a), (second, referent_a2))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values(), key=len)[0] == "selected"
    assert "has just been given to another candidate" in sorted(outcomes.values(), key=len)[1]
    assert place.allocated.filter(status=ApplicationStatus.SELECTED).count() == 1


def test_two_referents_telling_the_learners_at_once_send_once(call, centre_a, referent_a, referent_a2):
    from mobility.recruitment.models import CallNotice
    from mobility.recruitment.services import publishing
    from partners.emails.models import OutboundEmail
    from tests import factories

    factories.LearnerFactory.create_batch(3, centre=centre_a)
    start = threading.Barrier(2)
    told: list[int] = []

    def tell(referent):
        try:
            start.wait()
            told.append(publishing.call_tell_learners(call=call, acting_user=referent).told)
        finally:
            connection.close()

    threads = [threading.Thread(target=tell, args=(r,)) for r in (referent_a, referent_a2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(told) == [0, 3]
    assert CallNotice.objects.filter(call=call).count() == 3
    assert OutboundEmail.objects.filter(kind="call_published").count() == 3
