"""Production mode: what an operator sees when a variable is missing, and the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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


def test_deploy_checks_pass_with_production_settings_and_nothing_silenced():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k3y-" + "s" * 60,
        ALLOWED_HOSTS="mobility.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
