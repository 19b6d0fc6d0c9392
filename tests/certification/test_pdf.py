"""The certificate PDF itself: sections, names in every script, page count, embedded credential."""

import io
import urllib.request

import pytest
from django.db import transaction
from django.utils import timezone
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from certification import seal
from certification.pdf import context as ctx
from certification.pdf import documents
from certification.pdf import html as pdf_html
from certification.pdf.html import RefusedResource, StaticOnlyFetcher, html_to_pdf
from certification.selectors import mobility_for_certificate
from tests import factories as base

from ..text import translated
from .conftest import ACCENTED_NAMES
from .factories import evaluated_mobility

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _content(mobility, languages):
    content = ctx.certificate_content(
        mobility=mobility_for_certificate(mobility_id=mobility.pk),
        languages=languages,
        number="EM-2026-ABCD-EFGH-JKMN-PQRS",
        version=1,
        issued_at=timezone.now(),
        issued_by=None,
    )
    return content, documents.certificate_credential(content, issued_at_iso="2026-04-20T10:00:00Z")


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Certificates rendered once for the module: one per name, and a bilingual one."""
    results = {}
    with django_db_blocker.unblock(), transaction.atomic():
        centre = base.CentreFactory(name="CFA des Métiers de Montclar")
        for first, last in ACCENTED_NAMES:
            learner = base.LearnerFactory(
                centre=centre, first_name=first, last_name=last, preferred_language="fr"
            )
            content, credential = _content(evaluated_mobility(participant=learner), ["fr"])
            results[(first, last)] = (documents.render_certificate(content, credential).content, credential)
        learner = base.LearnerFactory(centre=centre, first_name="Zoë", last_name="O'Brien-Núñez")
        content, credential = _content(evaluated_mobility(participant=learner), ["fr", "en"])
        results["bilingual"] = (documents.render_certificate(content, credential).content, credential)
        transaction.set_rollback(True)
    return results


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("name", ACCENTED_NAMES, ids=lambda n: n[1])
def test_accented_names_are_in_the_text(rendered, name):
    pdf, _ = rendered[name]
    assert f"{name[0]} {name[1]}" in _text(pdf)


@pytest.mark.parametrize("name", ACCENTED_NAMES, ids=lambda n: n[1])
def test_every_letter_of_the_names_has_a_glyph_in_the_font(name):
    cmap = TTFont(DEJAVU).getBestCmap()
    missing = [ch for ch in "".join(name) if ch != " " and ord(ch) not in cmap]
    assert missing == []


def test_only_the_dejavu_fonts_are_embedded(rendered):
    pdf, _ = rendered[("Σοφία", "Παπαδοπούλου")]
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in f for f in fonts)


def test_every_europass_section_is_present(rendered):
    text = _text(rendered[("Łukasz", "Żółć")][0])
    for heading in (
        "Holder of the document",
        "Issuer",
        "Sending partner",
        "Host partner",
        "Description of the mobility",
        "Skills acquired during the mobility",
        "Job-related skills",
        "Language skills",
        "Digital skills",
        "Organisational and managerial skills",
        "Communication skills",
        "Other skills",
        "Units of learning outcomes recognised by the sending centre",
        "Signatories",
        "EM-2026-ABCD-EFGH-JKMN-PQRS",
    ):
        expected = heading if heading.startswith("EM-") else translated(heading, "fr")  # a French learner's
        assert " ".join(expected.split()) in " ".join(text.split()), expected


def test_the_certificate_fits_on_two_a4_pages(rendered):
    reader = PdfReader(io.BytesIO(rendered[("Łukasz", "Żółć")][0]))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_pdf_is_pdfa3_with_the_credential_attached(rendered):
    pdf, credential = rendered[("Łukasz", "Żółć")]
    reader = PdfReader(io.BytesIO(pdf))
    attachments = reader.attachments
    assert list(attachments) == ["EM-2026-ABCD-EFGH-JKMN-PQRS.jsonld"]
    embedded, _seal_certificate = seal.open_sealed(attachments["EM-2026-ABCD-EFGH-JKMN-PQRS.jsonld"][0])
    assert embedded == credential  # the sealed credential, its seal intact
    assert "/AF" in reader.trailer["/Root"]
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def test_the_verification_url_is_printed(rendered):
    assert "/verify/EM-2026-ABCD-EFGH-JKMN-PQRS/" in _text(rendered[("Łukasz", "Żółć")][0])


def test_the_qr_code_encodes_the_verification_page(monkeypatch):
    """The QR code printed is the one of ``/verify/<number>/`` on the site's address."""
    from django.conf import settings

    from certification.pdf import html as rendering

    pages = []
    monkeypatch.setattr(documents, "html_to_pdf", lambda html, **kw: pages.append(html) or b"%PDF")
    monkeypatch.setattr("certification.pdf.signing.sign_pdf", lambda pdf, **kw: pdf)
    content = {"number": "EM-2026-ABCD-EFGH-JKMN-PQRS", "languages": ["fr"], "issuer": {}, "holder": {}}
    documents.render_certificate(content, {})
    url = settings.SITE_URL + "/verify/EM-2026-ABCD-EFGH-JKMN-PQRS/"
    assert documents.verification_url("EM-2026-ABCD-EFGH-JKMN-PQRS") == url
    assert rendering.qr_svg(url) in pages[0]
    assert rendering.qr_svg(url + "x") not in pages[0]


def test_a_bilingual_certificate_speaks_both_languages(rendered):
    text = _text(rendered["bilingual"][0])
    assert "Espagne" in text and "Spain" in text
    assert "Durée" in text and "Duration" in text


def _lines(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """Every piece of text of a page with the (x, y) where it starts."""
    pieces: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return pieces


def test_a_bilingual_label_stays_level_with_its_value(rendered):
    """A label on two lines (both languages) must not let the next values rise beside it."""
    pieces = _lines(rendered["bilingual"][0])
    for label, value in (
        ("Surname(s)", "O'Brien-Núñez"),
        ("First name(s)", "Zoë"),
        ("Nationality", "France"),
        ("Issuing organisation", "CFA des Métiers de Montclar"),
    ):
        label_y = next(y for text, x, y in pieces if text == translated(label, "fr"))
        value_ys = [y for text, x, y in pieces if text == value and x > 150]
        assert value_ys, value
        assert min(abs(y - label_y) for y in value_ys) < 2, (label, value)


def test_user_text_is_escaped(db, centre_a):
    learner = base.LearnerFactory(
        centre=centre_a, first_name="<b>Eve</b>", last_name='<img src="http://192.0.2.1/x.png">'
    )
    content, _ = _content(evaluated_mobility(participant=learner), ["fr"])
    context = {**documents._pdf_context(content, "certificate"), "verify_url": "x", "qr": ""}
    html = pdf_html.render_html("pdf/certificate.html", context, language="fr")
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert '<img src="http://192.0.2.1' not in html


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.1/logo.png",
        "https://example.invalid/x.css",
        "file:///etc/hostname",
        "file:///static/../../../etc/hostname",
        "file:///static/%2e%2e/%2e%2e/etc/hostname",
        "ftp://example.invalid/x",
    ],
)
def test_the_renderer_fetches_nothing_outside_the_static_files(url):
    with pytest.raises((RefusedResource, ValueError)):
        StaticOnlyFetcher().fetch(url)


def test_the_renderer_serves_static_files_and_data_uris():
    assert b"@page" in StaticOnlyFetcher().fetch("file:///static/css/pdf.css").read()
    assert StaticOnlyFetcher().fetch("data:text/plain,hello").read() == b"hello"


def test_a_remote_image_in_a_document_opens_no_connection(monkeypatch):
    opened = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a))
    pdf = html_to_pdf('<p>x</p><img src="http://192.0.2.1/x.png"><img src="file:///etc/hostname">')
    assert pdf.startswith(b"%PDF") and opened == []
