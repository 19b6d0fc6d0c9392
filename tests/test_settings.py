"""Production mode: what an operator sees when a variable is missing, and the deploy checks."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "EMAIL_URL",
            "TRUSTED_PROXIES",
            "SITE_URL",
            "SECURE_SSL_REDIRECT",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_secret_key_in_production_is_a_clear_message_not_a_traceback():
    result = _manage("check", DEBUG="false")
    assert result.returncode == 2
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_allowed_hosts_in_production_is_named():
    result = _manage("check", DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode == 2
    assert "ALLOWED_HOSTS" in result.stderr


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "s" * 60,
    "ALLOWED_HOSTS": "mobility.example",
    "SITE_URL": "https://mobility.example",
    "EMAIL_URL": "smtp+tls://mobility:secret@smtp.example.org:587",
}


def test_missing_email_url_in_production_is_named_instead_of_falling_back():
    result = _manage("check", **{**PRODUCTION, "EMAIL_URL": ""})
    assert result.returncode == 2
    assert "EMAIL_URL must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("site_url", "said"),
    [
        ("", "SITE_URL: must be set when DEBUG is off"),
        ("http://mobility.example", "'http://mobility.example' must start with https://"),
        ("https://127.0.0.1:8000", "'https://127.0.0.1:8000' is not a public host"),
        ("https://192.168.1.20", "is not a public host"),
        ("https://mobility.example/app", "must be the site's root address"),
        ("mobility.example", "is not an address such as https://"),
    ],
)
def test_production_does_not_start_with_an_address_certificates_cannot_carry(site_url, said):
    result = _manage("check", **{**PRODUCTION, "SITE_URL": site_url})
    assert result.returncode == 2, result.stdout
    assert said in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_http_on_the_loopback_only_when_https_redirection_is_off():
    local = {**PRODUCTION, "SITE_URL": "http://127.0.0.1:8123", "SECURE_SSL_REDIRECT": "false"}
    assert _manage("check", **local).returncode == 0
    public = {**local, "SITE_URL": "http://mobility.example"}
    assert "must start with https://" in _manage("check", **public).stderr
    deploy = _manage("check", "--deploy", **local)
    assert "mobility.W001" in deploy.stderr + deploy.stdout
    assert "'http://127.0.0.1:8123' is not a public host" in deploy.stderr + deploy.stdout


def test_production_sends_mail_where_email_url_says():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org"]


def test_a_trusted_proxy_that_is_not_an_address_is_named():
    result = _manage("check", DEBUG="true", TRUSTED_PROXIES="10.0.0.2,proxy.internal")
    assert result.returncode == 2
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network" in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_checks_pass_with_production_settings_and_nothing_silenced():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_production_answers_carry_the_security_headers_and_cookie_flags(django_db_setup):
    """A real login and a page of learners, through the whole middleware stack, in production mode."""
    from django.db import connection

    from tests.factories import CentreFactory, LearnerFactory, MembershipFactory, UserFactory

    centre = CentreFactory()
    LearnerFactory(centre=centre)
    user = UserFactory(email="referent@centre.example")
    MembershipFactory(user=user, organisation=centre, role="referent")
    db = connection.settings_dict
    result = _manage_script(
        "tests/support_production_headers.py",
        user.email,
        "a-long-pass-phrase-for-tests",
        **PRODUCTION,
        MFA_REQUIRED_FOR_STAFF="false",
        CACHE_KEY_PREFIX=f"test-headers-{uuid.uuid4().hex}",  # login counters of this run only
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["http"]["status"] == 301 and answers["http"]["location"].startswith("https://")
    assert answers["post"]["status"] == 302, answers["post"]
    for name in ("login", "learners"):
        headers = answers[name]["headers"]
        assert answers[name]["status"] == 200, (name, answers[name]["status"])
        hsts = headers["Strict-Transport-Security"]
        assert "includeSubDomains" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
        csp = headers["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
    cookies = answers["cookies"]
    for name in ("sessionid", "csrftoken"):
        assert cookies[name]["secure"] and cookies[name]["samesite"] == "Lax", name
    assert cookies["sessionid"]["httponly"]


def _manage_script(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "EMAIL_URL"}
    }
    return subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db
def test_postgresql_sessions_plan_joins_with_the_configured_limit():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        join_limit = cursor.fetchone()[0]
        cursor.execute("SHOW from_collapse_limit")
        from_limit = cursor.fetchone()[0]
    assert (join_limit, from_limit) == ("4", "4")


def test_the_join_limit_can_be_left_to_the_server():
    done = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))",
        DB_JOIN_COLLAPSE_LIMIT="0",
        DEBUG="true",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "None"
