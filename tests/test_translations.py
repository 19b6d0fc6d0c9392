"""Every message of the interface, e-mails and documents is translated in every language.

The catalogues are extracted again from the current sources into a scratch copy (so a string
added without being translated is caught even if nobody ran makemessages), then gettext's own
``msgfmt`` counts what is translated; fuzzy entries count as missing.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "mobility" / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]


SOURCES = ("manage.py", "pyproject.toml", "mobility", "partners", "certification", "templates")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogues as makemessages would leave them, made in a scratch copy of the sources.

    makemessages writes into every ``locale`` folder it finds under the sources, so it runs on a
    copy: the working tree is never touched.
    """
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(copy / "var")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    cmd = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--no-location"]
    for code in TRANSLATED:
        cmd += ["-l", code]
    subprocess.run(cmd, cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    return copy / "mobility" / "locale"


def test_every_supported_language_has_a_catalogue():
    for code in TRANSLATED:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").is_file(), code


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_translation(extracted, code):
    po = extracted / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    fuzzy = re.search(r"(\d+) fuzzy", stats)
    untranslated = re.search(r"(\d+) untranslated", stats)
    assert not fuzzy and not untranslated, f"{code}: {stats} (run makemessages and translate)"
