"""E-mails to guests leave through Celery: stored first, published once the transaction commits,
sent by a worker."""

import pytest

from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from partners.emails import tasks
from partners.emails.models import EmailStatus, OutboundEmail
from tests.workers import Worker, wait_for

from .conftest import LINK_RE


@pytest.mark.django_db
def test_the_invitation_is_stored_then_published_to_a_worker_after_commit(
    mobility, referent_a, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(tasks.deliver_email, "apply_async", lambda args, **options: published.append(*args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    assert message.status == EmailStatus.QUEUED and published == []  # nothing leaves before the commit
    assert message.subject and message.body_text and message.body_html  # the template set, rendered
    for callback in callbacks:
        callback()
    assert published == [message.pk]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_tutors_invitation(mobility, referent_a):
    worker = Worker(env={"EMAIL_URL": "consolemail://"})
    try:
        worker.wait_ready()
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
        message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
        wait_for(
            lambda: OutboundEmail.objects.filter(pk=message.pk, status=EmailStatus.SENT).exists(),
            timeout=60,
            what=f"the invitation to be sent (worker log: {worker.log_path})",
        )
        sent = worker.output()
        assert message.to in sent
        key = LINK_RE.search(sent).group(1)  # the secret is put in the copy that leaves…
        stored = OutboundEmail.objects.get(pk=message.pk)
        assert key not in stored.body_text and key not in stored.body_html  # …never in the stored one
    finally:
        worker.stop()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_frozen_broker_holds_up_one_email_not_every_one_and_the_sweeper_sends_them_later(
    mobility, other_mobility, referent_a, monkeypatch
):
    import time

    from partners.emails import services as emails
    from tests.workers import RedisServer, broker_at

    server = RedisServer()
    try:
        with broker_at(server.url):
            server.freeze()
            try:
                started = time.monotonic()
                guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
                first = time.monotonic() - started
                started = time.monotonic()
                guests.access_link_invite(mobility=mobility, role=GuestRole.LEARNER, acting_user=referent_a)
                guests.access_link_invite(
                    mobility=other_mobility, role=GuestRole.TUTOR, acting_user=referent_a
                )
                later = time.monotonic() - started
            finally:
                server.thaw()
            assert first < 10 and later < 1  # the next requests do not wait for the broker at all
            assert set(OutboundEmail.objects.values_list("status", flat=True)) == {EmailStatus.QUEUED}
            published = []
            monkeypatch.setattr(
                tasks.deliver_email, "apply_async", lambda args, **options: published.append(*args)
            )
            assert emails.email_republish_stale(older_than_seconds=0) == 3
            assert sorted(published) == sorted(OutboundEmail.objects.values_list("pk", flat=True))
    finally:
        server.stop()
