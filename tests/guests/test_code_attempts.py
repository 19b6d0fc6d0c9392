"""The e-mailed code of a lost link, guessed by many requests at once against a running server."""

import re
import threading

import pytest
import requests

from mobility.guests.services import recovery as guests
from mobility.guests.services import sessions as services_sessions

from .conftest import deliver_all

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "This code is not the one we sent"
TOO_MANY = "Too many wrong codes"


def _browser(live_server, email: str) -> tuple[requests.Session, str]:
    """A browser that asked for a new link: its session holds the code request; returns its CSRF token."""
    from mobility.guests.tasks import guest_lost_link

    browser = requests.Session()
    page = browser.get(f"{live_server.url}/guest/lost/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    browser.post(f"{live_server.url}/guest/lost/", {"email": email, "csrfmiddlewaretoken": token}, timeout=10)
    # What the worker does with the task: look the address up, queue the e-mail with the code.
    from django.contrib.sessions.backends.db import SessionStore

    pending = SessionStore(session_key=browser.cookies["sessionid"])[services_sessions.SESSION_CODE]
    guest_lost_link(pending["email"], pending["id"], "en")
    return browser, token


def _at_once(count: int, call) -> list[str]:
    barrier = threading.Barrier(count)
    answers: list[str] = [""] * count

    def run(n: int) -> None:
        barrier.wait()
        answers[n] = call(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_wrong_codes_sent_at_once_are_checked_no_more_than_the_limit(live_server, mobility, invite):
    invite(mobility)
    browser, token = _browser(live_server, "lucia@panaderia-sol.example")
    code = re.search(r"\b(\d{6})\b", deliver_all()[-1].body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    cookies = browser.cookies.get_dict()

    def guess(_n: int) -> str:
        return requests.post(
            f"{live_server.url}/guest/code/",
            {"code": wrong, "csrfmiddlewaretoken": token},
            cookies=cookies,
            timeout=30,
        ).text

    answers = _at_once(20, guess)
    checked = sum(WRONG in answer for answer in answers)
    assert 0 < checked <= guests.CODE_MAX_ATTEMPTS
    assert sum(TOO_MANY in answer for answer in answers) == 20 - checked
    right = browser.post(
        f"{live_server.url}/guest/code/", {"code": code, "csrfmiddlewaretoken": token}, timeout=10
    )
    assert TOO_MANY in right.text
