"""Personal links: made at delivery, stored hashed, scoped, revocable, re-sendable, expiring."""

import datetime
import hashlib
import re
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.guests.services import recovery as services_recovery
from mobility.guests.services import sessions as services_sessions
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail

from .. import factories
from ..text import as_html
from .conftest import deliver_all, key_from

pytestmark = pytest.mark.django_db

GUEST_PAGES = ("", "confirm/", "agreement/", "follow-ups/", "evaluation/", "evaluation/view/")


def test_the_email_carries_a_256_bit_secret_and_only_its_hash_is_stored(mobility, referent_a):
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    stored = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    key = key_from(deliver_all()[-1])
    link = AccessLink.objects.get(mobility=mobility)
    secret = key[guests.LOOKUP_LENGTH :]
    assert key.startswith(link.lookup)
    assert len(secret) >= 43  # 32 random bytes, url-safe base64
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    # The stored e-mail holds a placeholder bound to that message, never the secret.
    assert secret not in stored.body_text + stored.body_html
    assert f"[[link:{link.pk}:{stored.nonce}]]" in stored.body_text
    assert stored.placeholders == [["link", str(link.pk)]]


def test_the_invitation_is_written_in_the_tutors_language(mobility, referent_a, tutor):
    tutor.preferred_language = "de"
    tutor.save(update_fields=["preferred_language"])
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    assert message.language == "de"
    assert '<html lang="de">' in message.body_html
    assert "27. März 2026" in message.body_text  # dates in German


def test_opening_the_link_leads_to_an_address_without_the_token(client, mobility, invite):
    key = invite(mobility)
    response = client.get(f"/t/{key}")
    assert response.status_code == 302
    assert response["Location"] == f"/guest/{mobility.pk}/"
    assert response["Referrer-Policy"] == "no-referrer"
    assert key not in response["Location"]


def test_no_later_page_carries_the_token(client, mobility, invite):
    key = invite(mobility)
    response = client.get(f"/t/{key}", follow=True)
    assert response.status_code == 200
    secret = key[guests.LOOKUP_LENGTH :]
    for path in GUEST_PAGES:
        page = client.get(f"/guest/{mobility.pk}/{path}", follow=True)
        assert secret not in page.content.decode()
        assert all(secret not in url for url, _status in page.redirect_chain)


def test_the_session_holds_link_ids_never_the_token(client, mobility, invite):
    key = invite(mobility)
    client.get(f"/t/{key}")
    session = client.session
    assert session[services_sessions.SESSION_LINKS] == [AccessLink.objects.get(mobility=mobility).pk]
    assert key[guests.LOOKUP_LENGTH :] not in str(dict(session.items()))


def test_a_tutor_cannot_open_another_mobility_by_editing_the_id(tutor_client, other_mobility):
    for path in GUEST_PAGES:
        assert tutor_client.get(f"/guest/{other_mobility.pk}/{path}").status_code == 404, path


def test_a_tutor_cannot_open_another_centres_mobility_either(tutor_client, centre_b):
    foreign = factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_b))
    assert tutor_client.get(f"/guest/{foreign.pk}/").status_code == 404


def test_a_tutor_cannot_open_the_learners_pages_of_their_own_mobility(tutor_client, mobility):
    assert tutor_client.get(f"/guest/{mobility.pk}/documents/").status_code == 404
    assert tutor_client.get(f"/guest/{mobility.pk}/feedback/").status_code == 404


def test_without_a_session_the_pages_explain_how_to_get_in(client, mobility):
    response = client.get(f"/guest/{mobility.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/guest/lost/?ended=1"


def test_a_staff_login_gives_no_guest_access(client_of, referent_a, mobility):
    assert client_of(referent_a).get(f"/guest/{mobility.pk}/").status_code == 302


def test_first_and_last_use_are_recorded(client, mobility, invite):
    key = invite(mobility)
    client.get(f"/t/{key}")
    link = AccessLink.objects.get(mobility=mobility)
    assert link.first_used_at is not None and link.last_used_at is not None
    assert AuditEntry.objects.filter(action="access_link.open", target_id=str(link.pk)).exists()


def test_the_link_sets_the_tutors_language_for_the_pages(client, mobility, invite):
    key = invite(mobility)
    response = client.get(f"/t/{key}")
    assert response.cookies["mobility_language"].value == "es"
    page = client.get(f"/guest/{mobility.pk}/")
    assert page.context["LANGUAGE_CODE"] == "es"


def test_the_tutor_switches_the_pages_to_another_language(client, mobility, invite):
    client.get(f"/t/{invite(mobility)}")
    page = client.get(f"/guest/{mobility.pk}/")
    assert 'name="language"' in page.content.decode()  # the switcher is on the tutor's pages
    client.post("/i18n/setlang/", {"language": "de", "next": f"/guest/{mobility.pk}/"})
    page = client.get(f"/guest/{mobility.pk}/")
    assert page.context["LANGUAGE_CODE"] == "de"
    assert '<html lang="de"' in page.content.decode()


# --- Expiry, revocation, tampering -------------------------------------------------------------
def test_the_link_lasts_until_well_after_the_evaluation_deadline(mobility, referent_a):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)):
        link = guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)
    assert timezone.localdate(link.expires_at) == mobility.evaluation_due + datetime.timedelta(days=60)


def test_an_expired_link_explains_what_to_do_and_tells_the_referent(client, mobility, invite):
    key = invite(mobility)
    link = AccessLink.objects.get(mobility=mobility)
    with time_machine.travel(link.expires_at + datetime.timedelta(minutes=1)):
        response = client.get(f"/t/{key}")
    assert response.status_code == 410
    assert as_html("This link has expired", "es").encode() in response.content
    assert mobility.centre.name.encode() in response.content
    notice = OutboundEmail.objects.get(kind="referent.link_problem")
    assert notice.to == "alice@montclar.example"
    assert services_sessions.SESSION_LINKS not in client.session


def test_the_referent_is_told_at_most_once_a_day_per_link(client, mobility, invite):
    key = invite(mobility)
    link = AccessLink.objects.get(mobility=mobility)
    guests.access_link_revoke(link=link, acting_user=link.created_by)
    for _ in range(3):
        assert client.get(f"/t/{key}").status_code == 410
    assert OutboundEmail.objects.filter(kind="referent.link_problem").count() == 1


def test_a_revoked_link_stops_opening_and_ends_the_session_it_opened(tutor_client, mobility, referent_a):
    link = AccessLink.objects.get(mobility=mobility)
    guests.access_link_revoke(link=link, acting_user=referent_a)
    response = tutor_client.get(f"/guest/{mobility.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/guest/lost/")


def test_a_revoked_link_says_it_was_withdrawn(client, mobility, invite, referent_a):
    key = invite(mobility)
    guests.access_link_revoke(link=AccessLink.objects.get(mobility=mobility), acting_user=referent_a)
    response = client.get(f"/t/{key}")
    assert response.status_code == 410
    assert as_html("This link has been withdrawn", "es").encode() in response.content


@pytest.mark.parametrize("tamper", [lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"), lambda k: k[:30]])
def test_a_tampered_or_cut_link_offers_a_new_one_and_tells_the_referent(client, mobility, invite, tamper):
    key = invite(mobility)
    response = client.get(f"/t/{tamper(key)}")
    assert response.status_code == 404
    assert as_html("This link is incomplete or out of date", "es").encode() in response.content
    assert as_html("Send me a new link", "es").encode() in response.content
    assert b"l\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@panaderia-sol.example" in response.content  # masked
    assert OutboundEmail.objects.filter(kind="referent.link_problem").count() == 1
    assert services_sessions.SESSION_LINKS not in client.session


def test_an_unknown_key_reveals_nothing_and_points_to_the_lost_link_page(client, db):
    response = client.get("/t/notakeyatallbutlongenough")
    assert response.status_code == 404
    assert b"/guest/lost/" in response.content
    assert response["Referrer-Policy"] == "no-referrer"


def test_renewing_from_the_problem_page_sends_a_fresh_link_to_the_address_on_file(client, mobility, invite):
    key = invite(mobility)
    link = AccessLink.objects.get(mobility=mobility)
    response = client.post(f"/guest/renew/{link.lookup}/")
    assert response.status_code == 200
    sent = deliver_all()
    [message] = sent
    to = message_from_bytes(message.message().as_bytes(), policy=policy.default)["To"]
    assert [(a.display_name, a.addr_spec) for a in to.addresses] == [
        ("Lucía García", "lucia@panaderia-sol.example")
    ]
    assert key_from(sent[0]) != key


def test_renewing_is_limited_per_link(client, mobility, invite):
    invite(mobility)
    link = AccessLink.objects.get(mobility=mobility)
    for _ in range(5):
        client.post(f"/guest/renew/{link.lookup}/")
    assert (
        OutboundEmail.objects.filter(kind="guest.renewed.tutor").count()
        == services_recovery.RENEW_LIMIT_PER_LINK
    )


# --- Re-sending ---------------------------------------------------------------------------------
def test_resending_gives_a_new_secret_and_earlier_emails_keep_working(client, mobility, invite):
    first = invite(mobility)
    second = invite(mobility)
    assert first != second
    assert AccessLink.objects.filter(mobility=mobility).count() == 1
    assert client.get(f"/t/{first}").status_code == 302
    assert client.get(f"/t/{second}").status_code == 302


def test_resending_a_revoked_link_is_refused(mobility, invite, referent_a):
    invite(mobility)
    link = AccessLink.objects.get(mobility=mobility)
    guests.access_link_revoke(link=link, acting_user=referent_a)
    with pytest.raises(ValidationError):
        guests.access_link_resend(link=link, acting_user=referent_a)


def test_inviting_after_a_revocation_makes_a_new_link(client, mobility, invite, referent_a):
    old_key = invite(mobility)
    guests.access_link_revoke(link=AccessLink.objects.get(mobility=mobility), acting_user=referent_a)
    new_key = invite(mobility)
    assert old_key[: guests.LOOKUP_LENGTH] != new_key[: guests.LOOKUP_LENGTH]
    assert client.get(f"/t/{old_key}").status_code == 410
    assert client.get(f"/t/{new_key}").status_code == 302


def test_a_new_tutor_gets_a_new_link_and_the_old_tutors_link_is_withdrawn(client, mobility, invite, tutor):
    old_key = invite(mobility)
    newcomer = factories.ContactFactory(organisation=tutor.organisation, email="marta@panaderia-sol.example")
    mobility.host_tutor = newcomer
    mobility.save(update_fields=["host_tutor"])
    new_key = invite(mobility)
    assert client.get(f"/t/{old_key}").status_code == 410
    assert client.get(f"/t/{new_key}").status_code == 302
    assert (
        AccessLink.objects.get(mobility=mobility, revoked_at__isnull=True).email
        == "marta@panaderia-sol.example"
    )


def test_a_tutor_without_an_email_address_cannot_be_invited(mobility, referent_a, tutor):
    tutor.email = ""
    tutor.save(update_fields=["email"])
    with pytest.raises(ValidationError, match="no e-mail address"):
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)


def test_read_only_staff_cannot_invite(mobility, readonly_a):
    with pytest.raises(PermissionDenied):
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=readonly_a)


def test_another_centres_referent_gets_404_on_the_invite_route(client_of, referent_b, mobility):
    response = client_of(referent_b).post(f"/mobilities/{mobility.pk}/links/invite/", {"role": "tutor"})
    assert response.status_code == 404
    assert not AccessLink.objects.exists()


def test_the_referent_invites_resends_and_revokes_from_the_mobility(client_of, referent_a, mobility):
    client = client_of(referent_a)
    client.post(f"/mobilities/{mobility.pk}/links/invite/", {"role": "tutor"})
    link = AccessLink.objects.get(mobility=mobility)
    client.post(f"/mobilities/{mobility.pk}/links/{link.pk}/resend/")
    assert OutboundEmail.objects.filter(kind="guest.invitation.tutor").count() == 2
    client.post(f"/mobilities/{mobility.pk}/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == referent_a
    actions = set(AuditEntry.objects.filter(target_id=str(link.pk)).values_list("action", flat=True))
    assert {"access_link.invite", "access_link.resend", "access_link.revoke"} <= actions


def test_an_employer_link_waits_for_the_validated_evaluation(mobility, referent_a):
    with pytest.raises(ValidationError, match="validate the tutor's evaluation first"):
        guests.access_link_invite(mobility=mobility, role=GuestRole.EMPLOYER, acting_user=referent_a)


def test_nobody_is_invited_to_a_cancelled_mobility(mobility, referent_a):
    mobility.status = MobilityStatus.CANCELLED
    mobility.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent_a)


# --- Lost links ---------------------------------------------------------------------------------
def _request_new_link(client, email):
    from mobility.guests.tasks import guest_lost_link

    before = (client.session.get(services_sessions.SESSION_CODE) or {}).get("id")
    response = client.post("/guest/lost/", {"email": email})
    pending = client.session.get(services_sessions.SESSION_CODE)
    if pending and pending["id"] != before:  # a new request: what the worker does with the task
        guest_lost_link(pending["email"], pending["id"], "en")
    return response


def test_the_lost_link_page_answers_the_same_for_known_and_unknown_addresses(client, mobility, invite):
    invite(mobility)
    known = _request_new_link(client, "lucia@panaderia-sol.example")
    client.cookies.clear()
    unknown = _request_new_link(client, "nobody@elsewhere.example")

    def strip(response):
        return re.sub(r'(value="|X-CSRFToken": ")[A-Za-z0-9]{32,}', "", response.content.decode())

    assert strip(known) == strip(unknown)
    assert OutboundEmail.objects.filter(kind="guest.lost_link").count() == 1


def test_the_emailed_code_opens_the_tutors_mobilities(client, mobility, invite):
    invite(mobility)
    _request_new_link(client, "Lucia@Panaderia-Sol.example")
    message = deliver_all()[-1]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    response = client.post("/guest/code/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == f"/guest/{mobility.pk}/"
    assert client.get(f"/guest/{mobility.pk}/").status_code == 200


def test_the_emailed_fresh_link_opens_too(client, mobility, invite):
    invite(mobility)
    _request_new_link(client, "lucia@panaderia-sol.example")
    key = key_from(deliver_all()[-1])
    assert client.get(f"/t/{key}").status_code == 302


def test_a_wrong_code_is_refused_and_five_wrong_codes_block(client, mobility, invite):
    invite(mobility)
    _request_new_link(client, "lucia@panaderia-sol.example")
    code = re.search(r"\b(\d{6})\b", deliver_all()[-1].body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(services_recovery.CODE_MAX_ATTEMPTS):
        assert client.post("/guest/code/", {"code": wrong}).status_code == 400
    response = client.post("/guest/code/", {"code": code})
    assert response.status_code == 400
    assert b"Too many wrong codes" in response.content


def test_codes_tried_from_one_address_are_throttled_whatever_the_code_request(
    client, mobility, invite, monkeypatch
):
    monkeypatch.setattr(services_recovery, "CODE_CHECKS_PER_IP", 3)
    invite(mobility)
    answers = []
    for n in range(2):  # two code requests (two sessions) from the same address
        client.cookies.clear()
        client.post("/guest/lost/", {"email": f"someone{n}@elsewhere.example"}, REMOTE_ADDR="203.0.113.9")
        for _ in range(2):
            answers.append(client.post("/guest/code/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9").content)
    assert [b"not the one we sent" in answer for answer in answers] == [True, True, True, False]
    assert b"Too many codes were tried from your network" in answers[-1]
    client.cookies.clear()
    client.post("/guest/lost/", {"email": "lucia@panaderia-sol.example"}, REMOTE_ADDR="198.51.100.20")
    other = client.post("/guest/code/", {"code": "000000"}, REMOTE_ADDR="198.51.100.20")
    assert b"not the one we sent" in other.content


def test_lost_link_requests_are_rate_limited_per_address(client, mobility, invite):
    invite(mobility)
    for _ in range(services_recovery.LOST_LINK_LIMIT_PER_ADDRESS + 2):
        response = _request_new_link(client, "lucia@panaderia-sol.example")
    assert b"Too many requests" in response.content
    assert (
        OutboundEmail.objects.filter(kind="guest.lost_link").count()
        == services_recovery.LOST_LINK_LIMIT_PER_ADDRESS
    )


def test_no_fresh_link_for_a_revoked_invitation(client, mobility, invite, referent_a):
    invite(mobility)
    guests.access_link_revoke(link=AccessLink.objects.get(mobility=mobility), acting_user=referent_a)
    _request_new_link(client, "lucia@panaderia-sol.example")
    assert not OutboundEmail.objects.filter(kind="guest.lost_link").exists()


def test_leaving_ends_the_guest_session(tutor_client, mobility):
    tutor_client.post("/guest/leave/")
    assert tutor_client.get(f"/guest/{mobility.pk}/").status_code == 302


def test_the_outbox_never_shows_a_secret(client_of, referent_a, mobility, invite):
    key = invite(mobility)
    message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    page = client_of(referent_a).get(f"/mobilities/{mobility.pk}/outbox/{message.pk}/")
    assert page.status_code == 200
    assert key[guests.LOOKUP_LENGTH :] not in page.content.decode()
    assert "personal link" in page.content.decode()


def test_an_operator_can_print_a_fresh_link_for_someone_without_email(client, mobility, invite):
    from io import StringIO

    from django.core.management import call_command

    invite(mobility)
    out = StringIO()
    call_command("guest_link", mobility.reference, "tutor", stdout=out)
    key = out.getvalue().strip().rsplit("/t/", 1)[1]
    assert client.get(f"/t/{key}").status_code == 302
    assert AuditEntry.objects.filter(action="access_link.issued_by_command").exists()


def test_an_address_trying_many_wrong_keys_stops_reaching_the_referent_but_a_right_key_still_opens(
    client, mobility, invite
):
    key = invite(mobility)
    for attempt in range(services_sessions.EXCHANGE_FAILURE_LIMIT + 5):
        client.get(f"/t/{key[:-6]}{attempt:06d}")
    assert OutboundEmail.objects.filter(kind="referent.link_problem").count() == 1
    wrong = key[:-1] + ("Z" if key[-1] != "Z" else "Y")
    assert b"incomplete or out of date" not in client.get(f"/t/{wrong}").content
    assert client.get(f"/t/{key}").status_code == 302


def test_lost_link_requests_behind_the_proxy_are_counted_per_client(client, mobility, invite, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    invite(mobility)

    def ask(address, n):
        client.cookies.clear()
        return client.post(
            "/guest/lost/",
            {"email": f"someone{n}@elsewhere.example"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for n in range(services_recovery.LOST_LINK_LIMIT_PER_IP + 1):
        busy = ask("203.0.113.9", n)
    assert b"Too many requests" in busy.content
    assert b"Too many requests" not in ask("198.51.100.20", 99).content


def test_wrong_keys_from_one_client_behind_the_proxy_do_not_silence_another(
    client, mobility, invite, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    key = invite(mobility)
    for attempt in range(services_sessions.EXCHANGE_FAILURE_LIMIT + 1):
        client.get(f"/t/{key[:-6]}{attempt:06d}", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    AccessLink.objects.filter(mobility=mobility).update(revoked_at=timezone.now())
    # Another client holding the (now revoked) link is told it was revoked, not "unknown".
    response = client.get(f"/t/{key}", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 410
