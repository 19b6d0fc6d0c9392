"""What a new user sees at start: a readable console (one line per e-mail, the plain text as a
recipient reads it), no traceback per refusal, an absolute link to the certificate to verify."""

import io
import logging

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from partners.emails import console


def test_the_dev_backend_prints_one_line_per_email_and_writes_the_plain_text(settings, tmp_path):
    settings.EMAIL_OUTBOX_FILE = str(tmp_path / "outbox.txt")
    stream = io.StringIO()
    backend = console.SummaryEmailBackend(stream=stream)
    message = mail.EmailMultiAlternatives(
        "Stage chez O'Connell Joinery", "Bonjour,\nO'Connell Joinery accueille Léa.\n", "a@x.example",
        ["Declan O'Connell <declan@oconnell.example>"],
    )  # fmt: skip
    message.attach_alternative("<p>O&#x27;Connell Joinery accueille Léa.</p>", "text/html")
    assert backend.send_messages([message]) == 1
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "Stage chez O'Connell Joinery" in lines[0]
    text = (tmp_path / "outbox.txt").read_text()
    assert "O'Connell Joinery accueille Léa." in text
    assert "&#x27;" not in text + stream.getvalue()


def test_make_run_uses_the_summary_backend_by_default():
    from django.conf import settings

    # The test settings run with DEBUG and no EMAIL_URL: what make run gets.
    assert settings.EMAIL_BACKEND in (
        "partners.emails.console.SummaryEmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",  # pytest-django replaces it in tests
    )


def test_a_refusal_is_logged_as_one_line_without_a_traceback():
    from django.core.handlers.exception import response_for_exception

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response_for_exception(RequestFactory().get("/learners/7/"), PermissionDenied("no"))
    finally:
        logger.removeHandler(handler)
    assert "Forbidden" in stream.getvalue()
    assert "Traceback" not in stream.getvalue()


def test_the_demo_prints_the_certificate_to_verify_as_a_full_address(settings):
    from certification import demo

    settings.SITE_URL = "http://127.0.0.1:8023"
    assert demo.verify_note("EM-2026-AAAA").strip() == (
        "A certificate to verify: http://127.0.0.1:8023/verify/EM-2026-AAAA/"
    )
