"""Two requests planning the same participant at the same time cannot both pass the overlap rule."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from mobility.mobilities import services
from mobility.mobilities.models import Mobility

from .. import factories


def _data(learner, start, end):
    return {
        "participant": learner,
        "activity_type": factories.activity(),
        "host_city": "Valencia",
        "host_country": "ES",
        "planned_start": start,
        "planned_end": end,
    }


@pytest.mark.django_db(transaction=True)
def test_a_second_plan_made_while_the_first_is_being_saved_sees_it(centre_a, referent_a, learner):
    first_saved, second_started = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first_request():
        try:
            with transaction.atomic():
                services.mobility_create(
                    centre=centre_a,
                    data=_data(learner, datetime.date(2026, 3, 2), datetime.date(2026, 3, 27)),
                    acting_user=referent_a,
                )
                first_saved.set()
                # The second request is on its way: it must wait for this commit, not miss it.
                second_started.wait(10)
                time.sleep(0.5)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            first_saved.set()
        finally:
            connection.close()

    worker = threading.Thread(target=first_request)
    worker.start()
    assert first_saved.wait(20)
    second_started.set()
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(
            centre=centre_a,
            data=_data(learner, datetime.date(2026, 3, 16), datetime.date(2026, 4, 10)),
            acting_user=referent_a,
        )
    worker.join(20)
    assert not failures
    assert "overlap" in exc.value.message_dict["planned_start"][0]
    assert Mobility.objects.filter(participant=learner).count() == 1
