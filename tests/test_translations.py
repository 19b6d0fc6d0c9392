"""Every message of the interface, e-mails and documents is translated in every language.

The catalogues are extracted again from the current sources into a scratch copy (so a string
added without being translated is caught even if nobody ran makemessages), then gettext's own
``msgfmt`` counts what is translated; fuzzy entries count as missing.
"""

import json
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


def _entries(po_text: str) -> list[dict[str, str]]:
    """The entries of a PO file as {"msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]", …}."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = None
    for line in po_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            if entry and not line:
                entries.append(entry)
                entry, key = {}, None
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if keyword:
            key, line = keyword.group(1), keyword.group(2)
            if key in ("msgctxt", "msgid") and "msgid" in entry:
                entries.append(entry)
                entry = {}
            entry[key] = ""
        if key and line.startswith('"'):
            entry[key] += json.loads(line)
    if entry:
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]  # the header's msgid is empty


def _name(entry: dict[str, str]) -> str:
    context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
    return context + repr(entry["msgid"][:100])


def _select(po, *options: str) -> list[dict[str, str]]:
    result = subprocess.run(
        ["msgattrib", *options, str(po)], capture_output=True, text=True, timeout=120, check=True
    )
    return _entries(result.stdout)


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
    if fuzzy or untranslated:
        # Name them, so the catalogue can be completed from the test output alone.
        missing = [_name(e) for e in _select(po, "--untranslated", "--no-obsolete")]
        unsure = [_name(e) for e in _select(po, "--only-fuzzy", "--no-obsolete")]
        pytest.fail(
            f"{code}: {stats.splitlines()[-1]} (run makemessages and translate)\n"
            + "".join(f"  untranslated: {name}\n" for name in missing)
            + "".join(f"  fuzzy: {name}\n" for name in unsure)
        )


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_blank(code):
    """gettext shows the English text for an empty translation, but a translation of only spaces
    would reach the page as an empty label or button."""
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    blank = [
        _name(entry)
        for entry in _entries(po.read_text(encoding="utf-8"))
        for key, text in entry.items()
        if key.startswith("msgstr") and text and not text.strip()
    ]
    assert blank == [], f"{code}: translations made of blanks only: {blank}"


def test_the_po_reader_sees_every_kind_of_entry():
    entries = _entries(
        'msgid ""\nmsgstr "Content-Type: text/plain\\n"\n\n'
        '#, fuzzy\nmsgctxt "month"\nmsgid "May"\nmsgstr "Mai"\n\n'
        'msgid "one file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "un fichier"\nmsgstr[1] " "\n\n'
        'msgid ""\n"A long "\n"message"\nmsgstr ""\n'
    )
    assert [(e.get("msgctxt"), e["msgid"]) for e in entries] == [
        ("month", "May"),
        (None, "one file"),
        (None, "A long message"),
    ]
    assert entries[1]["msgstr[1]"] == " " and entries[2]["msgstr"] == ""


#: Words that read the same in every language: formats, identifiers, and the document's brand name.
UNTRANSLATED_TERMS = {"PDF", "JSON-LD", "SHA-256", "OID", "UTC", "Europass Mobility"}


def _literal_texts(source: str) -> list[str]:
    """Text a template shows as it is written: what is left once the tags, variables, comments,
    scripts, translated blocks and markup are taken out (and the attributes people read)."""
    for pattern in (
        r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
        r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}",
        r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}",  # CSS class names
        r"{#.*?#}",
        r"<(script|style)\b.*?</\1>",
    ):
        source = re.sub(pattern, " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    texts = [m.group(2) for m in re.finditer(r'\b(aria-label|placeholder|title|alt)="([^"]*)"', source)]
    texts += re.sub(r"<[^>]*>", "\n", source, flags=re.S).splitlines()
    found = []
    for text in texts:
        text = " ".join(re.sub(r"&[a-z]+;|&#\d+;", " ", text).split())
        words = text
        for term in UNTRANSLATED_TERMS:
            words = words.replace(term, " ")
        if re.search(r"[^\W\d_]{2,}", words):
            found.append(text)
    return found


def test_templates_show_no_text_outside_translate_tags():
    """A sentence typed straight into a page or an e-mail never reaches the catalogues, so the test
    above cannot see it: it would stay English on every French page."""
    found = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.suffix in (".html", ".txt")
        for text in _literal_texts(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)


def test_the_template_check_sees_a_sentence_left_in_english():
    assert _literal_texts(
        '{% load i18n %}<p title="Close">{% translate "Yes" %} Save changes</p>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}<td>PDF · SHA-256</td>"
    ) == ["Close", "Save changes"]
