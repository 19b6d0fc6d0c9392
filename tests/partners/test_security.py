"""Secure login: failed-login limits (admin included), MFA for staff, session lifetime, short-lived
reset links, login by e-mailed code, and the audit of logins."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.utils import timezone

from partners.audit.models import AuditEntry
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD, ip="198.51.100.7"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def admin_login(client, email, password=PASSWORD, ip="198.51.100.7"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


# --- Failed-login limits ----------------------------------------------------------------------
def test_after_too_many_failures_even_the_right_password_is_refused(client, referent_a, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    for _ in range(3):
        login(client, referent_a.email, "wrong-password")
    response = login(client, referent_a.email)
    assert not logged_in(client)
    assert "Too many failed login attempts" in response.content.decode() or response.status_code == 429


def login_code():
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)


def test_an_address_over_its_limit_must_add_an_emailed_code_to_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 4
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 100
    victim = factories.UserFactory(email="victim@centre.example")
    for n in range(4):
        login(client, f"guess{n}@centre.example", "wrong-password", ip="203.0.113.9")
    response = login(client, victim.email, ip="203.0.113.9")
    assert not logged_in(client)
    assert response.url == "/accounts/login/code/confirm/"
    assert "Many failed logins came from your network" in client.get(response.url).content.decode()
    assert mail.outbox[-1].to == [victim.email]
    client.post("/accounts/login/code/confirm/", {"code": login_code()}, REMOTE_ADDR="203.0.113.9")
    assert logged_in(client)


def test_the_code_asked_from_a_busy_address_does_not_skip_the_second_factor(client, referent_a, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 2
    TOTP.activate(referent_a, "JBSWY3DPEHPK3PXP")
    for n in range(2):
        login(client, f"guess{n}@centre.example", "wrong-password")
    assert login(client, referent_a.email).url == "/accounts/login/code/confirm/"
    response = client.post(
        "/accounts/login/code/confirm/", {"code": login_code()}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.url == "/accounts/2fa/authenticate/"
    assert not logged_in(client)
    client.post(
        "/accounts/2fa/authenticate/", {"code": totp_code("JBSWY3DPEHPK3PXP")}, REMOTE_ADDR="198.51.100.7"
    )
    assert logged_in(client)


def test_a_wrong_password_from_an_address_over_its_limit_sends_no_code(client, referent_a, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 2
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 100
    for n in range(3):
        login(client, f"guess{n}@centre.example", "wrong-password", ip="203.0.113.9")
    response = login(client, referent_a.email, "wrong-password", ip="203.0.113.9")
    assert response.status_code == 200 and not logged_in(client)
    assert mail.outbox == []


def test_another_address_is_not_challenged(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 4
    victim = factories.UserFactory(email="victim@centre.example")
    for n in range(4):
        login(client, f"guess{n}@centre.example", "wrong-password", ip="203.0.113.9")
    login(client, victim.email, ip="203.0.113.10")
    assert logged_in(client)


def test_many_failures_from_one_address_in_a_minute_do_not_refuse_the_right_password(
    client, referent_a, settings
):
    """Only our own counters count per address, and they challenge: allauth's per-address limits are off."""
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 100
    for n in range(31):
        login(client, f"guess{n}@centre.example", "wrong-password", ip="203.0.113.9")
    response = login(client, referent_a.email, ip="203.0.113.9")
    assert logged_in(client), response.content.decode()[:500]


def test_the_admin_login_from_an_address_over_its_limit_points_to_the_main_login(client, operator, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 2
    for n in range(2):
        admin_login(client, f"guess{n}@centre.example", "wrong-password")
    response = admin_login(client, operator.email)
    assert not logged_in(client)
    assert "log in on the main login page" in response.content.decode()
    assert login(client, operator.email).url == "/accounts/login/code/confirm/"


def test_a_locked_account_still_logs_in_with_an_emailed_code(client, referent_a, settings):
    """The lock stops password guessing; someone who reads the account's mailbox is not locked out."""
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    for _ in range(3):
        login(client, referent_a.email, "wrong-password", ip="203.0.113.9")
    client.post("/accounts/login/code/", {"email": referent_a.email})
    client.post("/accounts/login/code/confirm/", {"code": login_code()})
    assert logged_in(client)


def test_resetting_the_password_lifts_the_account_lock(client, referent_a, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    for _ in range(3):
        login(client, referent_a.email, "wrong-password", ip="203.0.113.9")
    client.post("/accounts/password/reset/", {"email": referent_a.email})
    form = client.get(reset_link(), follow=True)
    new_password = "a-brand-new-pass-phrase"
    client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    response = login(client, referent_a.email, new_password)
    assert logged_in(client), response.content.decode()


# --- Behind the reverse proxy -----------------------------------------------------------------
PROXY = "10.0.0.2"


def login_through_proxy(client, email, password=PASSWORD, address="203.0.113.9"):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_the_proxy_one_clients_failures_leave_the_others_alone(client, referent_a, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 4
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 100
    for n in range(6):
        login_through_proxy(client, f"guess{n}@centre.example", "wrong-password")
    login_through_proxy(client, referent_a.email, address="198.51.100.20")
    assert logged_in(client)
    entry = AuditEntry.objects.filter(action="auth.login").latest("id")
    assert entry.ip == "198.51.100.20"


def test_allauths_own_limits_tell_the_clients_behind_the_proxy_apart(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "request_login_code": "2/m/ip"}

    def ask(address, n):
        return (
            Client()
            .post(
                "/accounts/login/code/",
                {"email": f"someone{n}@centre.example"},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=address,
            )
            .status_code
        )

    # 302: on to the code page; 200: the form again, "too many attempts".
    assert [ask("203.0.113.9", n) for n in range(3)] == [302, 302, 200]
    assert ask("198.51.100.20", 3) == 302


def test_the_admin_login_shares_the_failed_login_limits(client, operator, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    for _ in range(3):
        admin_login(client, operator.email, "wrong-password")
    response = admin_login(client, operator.email)
    assert not logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()


def test_failures_on_the_admin_login_count_for_the_main_login_too(client, operator, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 2
    admin_login(client, operator.email, "wrong-password")
    admin_login(client, operator.email, "wrong-password")
    login(client, operator.email)
    assert not logged_in(client)


def test_a_success_resets_the_account_counter(client, referent_a, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    login(client, referent_a.email, "wrong-password")
    login(client, referent_a.email, "wrong-password")
    login(client, referent_a.email)
    client.logout()
    login(client, referent_a.email, "wrong-password")
    login(client, referent_a.email, "wrong-password")
    login(client, referent_a.email)
    assert logged_in(client)


def test_logins_and_failures_are_audited(client, referent_a):
    login(client, referent_a.email, "wrong-password")
    login(client, referent_a.email)
    entries = list(AuditEntry.objects.filter(action__startswith="auth.").order_by("id"))
    assert [e.action for e in entries] == ["auth.login_failed", "auth.login"]
    assert entries[0].actor_label == referent_a.email
    assert entries[0].ip == "198.51.100.7"
    assert entries[1].actor == referent_a


# --- MFA --------------------------------------------------------------------------------------
def test_staff_must_set_up_two_factor_when_required(client_of, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = client_of(referent_a).get("/partners/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"


def test_the_operator_must_set_up_two_factor_too(client_of, operator, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert client_of(operator).get("/admin/").url == "/accounts/2fa/totp/activate/"


def test_staff_with_a_second_factor_get_through(client_of, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    TOTP.activate(referent_a, "JBSWY3DPEHPK3PXP")
    assert client_of(referent_a).get("/partners/").status_code == 200


def test_a_person_without_staff_access_is_not_asked_for_two_factor(client_of, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    nobody = factories.UserFactory()
    assert client_of(nobody).get("/").status_code == 200


def test_demo_mode_does_not_ask_for_two_factor(client_of, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert client_of(referent_a).get("/partners/").status_code == 200


def test_setting_up_totp_also_creates_recovery_codes(client, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    login(client, referent_a.email)
    assert client.get("/partners/").url == "/accounts/2fa/totp/activate/"
    # Setting up a factor asks for the password again (a session left open is not enough).
    assert client.get("/accounts/2fa/totp/activate/").url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=referent_a).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/partners/").status_code == 200


def reset_password(client, email, password):
    client.post("/accounts/password/reset/", {"email": email})
    form = client.get(reset_link(), follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": password, "password2": password})


def enrol_totp(client, password):
    assert client.get("/partners/").url == "/accounts/2fa/totp/activate/"
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/", follow=True)
    # allauth sends someone with an unverified address back to /accounts/2fa/ with an error.
    assert page.redirect_chain == [], [str(m) for m in page.context["messages"]]
    return client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(client.session[SECRET_SESSION_KEY])}
    )


def test_invited_staff_enrol_totp_even_after_resetting_their_password(
    client, centre_admin_a, centre_a, settings
):
    """Production: MFA required. Opening the e-mailed invitation proved the address."""
    settings.MFA_REQUIRED_FOR_STAFF = True
    invitation, token = factories.make_invitation(organisation=centre_a, invited_by=centre_admin_a)
    client.get(f"/accounts/invitation/{token}/")
    chosen = "une-phrase-longue-42"
    client.post(
        "/accounts/invitation/",
        {"first_name": "Noé", "last_name": "Petit", "password1": chosen, "password2": chosen},
    )
    client.post("/accounts/logout/")
    password = "la-nouvelle-phrase-43"  # forgotten at once, as happens
    reset_password(client, invitation.email, password)
    login(client, invitation.email, password)
    response = enrol_totp(client, password)
    assert response.status_code == 302, response.content.decode()
    assert Authenticator.objects.filter(user__email=invitation.email, type=Authenticator.Type.TOTP).exists()
    assert client.get("/partners/").status_code == 200


def test_an_operator_who_reset_the_password_can_enrol_totp(client, operator, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    password = "la-nouvelle-phrase-43"
    reset_password(client, operator.email, password)
    login(client, operator.email, password)
    response = enrol_totp(client, password)
    assert response.status_code == 302, response.content.decode()
    assert Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists()


def test_a_password_alone_does_not_log_in_an_account_with_totp(client, referent_a):
    TOTP.activate(referent_a, "JBSWY3DPEHPK3PXP")
    response = login(client, referent_a.email)
    assert response.url == "/accounts/2fa/authenticate/"
    assert not logged_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code("JBSWY3DPEHPK3PXP")})
    assert logged_in(client)


def test_the_admin_login_form_refuses_accounts_with_a_second_factor(client, operator):
    TOTP.activate(operator, "JBSWY3DPEHPK3PXP")
    response = admin_login(client, operator.email)
    assert not logged_in(client)
    assert "two-factor" in response.content.decode()


# --- Sessions ---------------------------------------------------------------------------------
def test_a_session_ends_after_30_minutes_idle(client, referent_a):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, referent_a.email)
        assert client.get("/partners/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/partners/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/partners/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not logged_in(client)


def test_a_busy_session_still_ends_after_12_hours(client, referent_a):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, referent_a.email)
        for _ in range(25):  # active every 29 minutes: never idle, 12 h 05 in all
            traveller.shift(timedelta(minutes=29))
            response = client.get("/partners/")
    assert response.status_code == 302
    assert not logged_in(client)


# --- Password reset and login by code ---------------------------------------------------------
def reset_link():
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)


def test_a_reset_link_works_within_the_hour(client, referent_a):
    client.post("/accounts/password/reset/", {"email": referent_a.email})
    response = client.get(reset_link(), follow=True)
    assert b'name="password1"' in response.content


def test_a_reset_link_is_dead_after_an_hour(client, referent_a):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post("/accounts/password/reset/", {"email": referent_a.email})
        link = reset_link()
        traveller.shift(timedelta(minutes=61))
        response = client.get(link, follow=True)
    assert b'name="password1"' not in response.content


def test_login_by_emailed_code(client, referent_a):
    client.post("/accounts/login/code/", {"email": referent_a.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    client.post("/accounts/login/code/confirm/", {"code": code})
    assert logged_in(client)


def test_a_login_code_does_not_skip_the_second_factor(client, referent_a):
    TOTP.activate(referent_a, "JBSWY3DPEHPK3PXP")
    client.post("/accounts/login/code/", {"email": referent_a.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.url == "/accounts/2fa/authenticate/"
    assert not logged_in(client)


def test_a_session_without_a_second_factor_does_not_reach_the_api(client_of, referent_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = client_of(referent_a).get("/api/v1/organisations/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
