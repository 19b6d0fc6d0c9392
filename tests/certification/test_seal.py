"""The centre's electronic seal: the credential's JAdES seal, the PDF's PAdES signature, the
configuration errors, and what the public verification makes of sealed and altered files."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from certification import seal
from certification.models import DocumentJob
from certification.pdf.signing import check_pdf
from certification.services import certificates as services

from .conftest import run_jobs

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _seal_dir(settings, tmp_path):
    """Each test has its own demonstration seal; no configured seal unless the test sets one."""
    settings.SEAL_DIR = str(tmp_path / "seal")
    for name in (
        "SEAL_PKCS12_FILE",
        "SEAL_PKCS12_PASSWORD",
        "SEAL_CERT_FILE",
        "SEAL_KEY_FILE",
        "SEAL_KEY_PASSWORD",
    ):
        setattr(settings, name, "")


def _p12(tmp_path, *, password=b"s3cret", days=365, not_before=None, name="centre.p12"):
    key, cert, root = seal.make_demo_chain(days=days, not_before=not_before)
    path = tmp_path / name
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", key, cert, [root], serialization.BestAvailableEncryption(password)
        )
    )
    return path, key, cert, root


@pytest.fixture
def issued(mobility_a, referent_a):
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a, languages=["en"])
    run_jobs()
    certificate.refresh_from_db()
    return certificate


# --- The seal and its configuration -------------------------------------------------------------
def test_without_a_configured_seal_the_demo_seal_is_generated_outside_the_repository(settings):
    demo = seal.load_seal()
    assert demo.is_demo and demo.subject == seal.DEMO_NAME
    assert Path(demo.source).is_relative_to(Path(settings.SEAL_DIR))
    assert not Path(demo.source).is_relative_to(ROOT)
    assert oct(Path(demo.source).stat().st_mode & 0o777) == "0o600"
    assert seal.load_seal().certificate == demo.certificate  # made once, then read


def test_a_configured_pkcs12_seal_is_used(settings, tmp_path):
    path, _key, cert, _root = _p12(tmp_path)
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(path), "s3cret"
    used = seal.load_seal()
    assert not used.is_demo and used.certificate == cert and len(used.chain) == 1


def test_a_wrong_password_is_named(settings, tmp_path):
    path, *_ = _p12(tmp_path)
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(path), "wrong"
    with pytest.raises(seal.SealError, match="SEAL_PKCS12_PASSWORD: the password does not open"):
        seal.load_seal()


def test_an_expired_seal_certificate_is_named(settings, tmp_path):
    path, *_ = _p12(tmp_path, days=30, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(path), "s3cret"
    with pytest.raises(seal.SealError, match="expired on"):
        seal.load_seal()


def test_a_key_that_does_not_match_its_certificate_is_named(settings, tmp_path):
    _path, _key, cert, root = _p12(tmp_path)
    other_key, *_ = seal.make_demo_chain()
    (tmp_path / "cert.pem").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM) + root.public_bytes(serialization.Encoding.PEM)
    )
    (tmp_path / "key.pem").write_bytes(
        other_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.SEAL_CERT_FILE, settings.SEAL_KEY_FILE = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    with pytest.raises(seal.SealError, match="the private key does not match the seal certificate"):
        seal.load_seal()


def test_a_broken_seal_stops_the_start_with_its_reason(tmp_path):
    path, *_ = _p12(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEAL_")}
    env.update(DEBUG="true", SEAL_PKCS12_FILE=str(path), SEAL_PKCS12_PASSWORD="wrong")
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "Configuration error: SEAL_PKCS12_PASSWORD: the password does not open" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_seal_fails_the_job_at_once_and_issues_nothing(settings, tmp_path, mobility_a, referent_a):
    path, *_ = _p12(tmp_path)
    settings.SEAL_PKCS12_FILE, settings.SEAL_PKCS12_PASSWORD = str(path), "wrong"
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a)
    run_jobs()
    job = DocumentJob.objects.get(certificate=certificate)
    certificate.refresh_from_db()
    assert job.status == "failed" and job.attempts == 1
    assert "SEAL_PKCS12_PASSWORD" in job.error
    assert certificate.status == "failed" and not certificate.file and not certificate.sealed_credential


# --- The sealed credential and the signed PDF -----------------------------------------------------
def test_the_credential_is_sealed_as_the_eus_signed_sample(issued):
    document = json.loads(issued.sealed_credential)
    assert set(document) == {"payload", "signatures"}
    header = json.loads(seal._b64url_decode(document["signatures"][0]["protected"]))
    assert header["b64"] is False and header["alg"] == "RS256" and header["sigT"].endswith("Z")
    assert len(header["x5c"]) == 2  # the seal's certificate, then the demonstration root
    credential, _cert = seal.open_sealed(issued.sealed_credential, trusted=seal.load_seal().certificate)
    assert credential == issued.credential
    assert credential["credentialStatus"]["@value"].endswith(f"/verify/{issued.number}/status/")


def test_the_sealed_credential_is_not_held_to_the_ceiling_on_typed_text(settings, mobility_a, referent_a):
    """The seal is written by the platform (66 000 characters in the demo): the free-text ceiling must
    not refuse it, or the certificate never becomes ready and ``seed_demo`` stops."""
    settings.TEXT_MAX_CHARS = 500
    certificate = services.certificate_issue(mobility=mobility_a, acting_user=referent_a, languages=["en"])
    run_jobs()
    certificate.refresh_from_db()
    assert certificate.status == "ready" and len(certificate.sealed_credential) > 500


def test_a_tampered_sealed_credential_does_not_open():
    sealed = seal.seal_credential({"holder": "Lea Martin"})
    with pytest.raises(seal.SealInvalid):
        seal.open_sealed(sealed.replace("Lea Martin", "Lea Martiń"))


def test_the_pdf_is_signed_pades_with_the_seal_and_stays_pdfa3(issued):
    with issued.file.open("rb") as handle:
        pdf = handle.read()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    demo = seal.load_seal()
    from asn1crypto import x509 as asn1_x509

    root = asn1_x509.Certificate.load(demo.root.public_bytes(serialization.Encoding.DER))
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    status = validate_pdf_signature(
        signatures[0], ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert "Demonstration seal" in status.signing_cert.subject.human_friendly
    assert check_pdf(pdf, seal=demo).trusted
    reader = PdfReader(io.BytesIO(pdf))
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert list(reader.attachments) == [f"{issued.number}.jsonld"]
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "in the platform",
        "with the centre's electronic seal",
        "Sealed with a demonstration key",
    ):
        assert expected in " ".join(text.split()), expected


# --- Verification by upload, and the published status -------------------------------------------
def _upload(client, certificate, data: bytes, name: str):
    return client.post(
        reverse("certification:verify", args=[certificate.number]), {"file": SimpleUploadedFile(name, data)}
    )


def test_the_signed_pdf_and_the_sealed_or_plain_credential_are_recognised(client, issued):
    with issued.file.open("rb") as handle:
        assert _upload(client, issued, handle.read(), "c.pdf").context["match"] is True
    assert _upload(client, issued, issued.sealed_credential.encode(), "c.jsonld").context["match"] is True
    plain = json.dumps(issued.credential).encode()
    assert _upload(client, issued, plain, "c.jsonld").context["match"] is True


@pytest.mark.parametrize(
    "altered",
    [
        lambda c: c.sealed_credential.replace("Europass Mobility", "Europass Mobilitx").encode(),
        lambda c: json.dumps({**c.credential, "validFrom": "2020-01-01T00:00:00Z"}).encode(),
        lambda c: b'{"payload": 1, "signatures": [{}]}',
        lambda c: b"{ not json at all <script>alert(1)</script>",
        lambda c: seal.seal_credential(
            c.credential, seal=seal.Seal(*seal.make_demo_chain()[:2], (), True, "x")
        ).encode(),
    ],
)
def test_an_altered_credential_is_not_the_issued_document(client, issued, altered):
    response = _upload(client, issued, altered(issued), "c.jsonld")
    assert response.status_code == 200 and response.context["match"] is False
    assert b"This file is not the issued document." in response.content


def test_an_altered_pdf_is_not_the_issued_file_without_crying_forgery(client, issued):
    with issued.file.open("rb") as handle:
        data = handle.read() + b"\n% saved again\n"
    response = _upload(client, issued, data, "c.pdf")
    assert response.context["match"] is False
    assert b"not the issued document" in response.content and b"forg" not in response.content.lower()


def test_the_status_is_published_for_machines(client, issued, referent_a):
    url = reverse("certification:verify-status", args=[issued.number])
    assert client.get(url).json()["status"] == "valid"
    services.certificate_revoke(certificate=issued, acting_user=referent_a, reason="Issued by mistake")
    body = client.get(url).json()
    assert body["status"] == "revoked" and "revoked" in body
    assert (
        client.get(reverse("certification:verify-status", args=["EM-2026-0000-0000-0000-0000"])).status_code
        == 404
    )


def test_the_certificate_page_says_it_is_sealed_with_a_demonstration_key(client_of, referent_a, issued):
    page = client_of(referent_a).get(f"/certificates/{issued.pk}/")
    assert b"Sealed with a demonstration key" in page.content


def test_the_uploaded_pdf_s_seal_is_checked_and_said(client, issued):
    with issued.file.open("rb") as handle:
        data = handle.read()
    response = _upload(client, issued, data, "c.pdf")
    found = response.context["pdf_seal"]
    assert found.signed and found.intact and found.trusted and found.covers_whole_file
    assert b"Its electronic seal is intact" in response.content


def test_a_pdf_changed_after_sealing_says_its_seal_does_not_match(client, issued):
    with issued.file.open("rb") as handle:
        data = handle.read()
    start = data.index(b"/ModDate")  # inside the signed bytes: same length, other content
    altered = data[:start] + data[start:].replace(b"(D:2", b"(D:1", 1)
    assert len(altered) == len(data) and altered != data
    response = _upload(client, issued, altered, "c.pdf")
    assert response.status_code == 200 and response.context["match"] is False
    found = response.context["pdf_seal"]
    assert found.signed and not found.intact
    assert b"changed after it was sealed" in response.content and b"forg" not in response.content.lower()


def test_a_pdf_is_signed_and_checked_where_an_event_loop_runs(issued):
    """An ASGI server or a browser driver runs an event loop in the thread: signing still works."""
    import asyncio

    from pypdf import PdfWriter

    from certification.pdf import signing

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    demo = seal.load_seal()

    async def inside_a_loop():
        signed = signing.sign_pdf(pdf, seal=demo, reason="test")
        return signing.check_pdf(signed, seal=demo)

    found = asyncio.run(inside_a_loop())
    assert found.signed and found.intact and found.trusted


def _seal_with(key) -> seal.Seal:
    """A seal whose certificate, for ``key``, is issued by a fresh demonstration root."""
    key, cert, root = seal.make_demo_chain(key=key)
    return seal.Seal(key=key, certificate=cert, chain=(root,), is_demo=False, source="test")


@pytest.mark.parametrize("kind", ["rsa-4096", "ec-p384"])
def test_the_pdf_seal_holds_with_a_large_rsa_key_and_an_elliptic_curve_key(kind):
    """The signature is made with the seal's key as loaded, in the room reserved without a trial
    signature: pyHanko reads it back intact and trusted for both kinds of key a seal may have."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from pypdf import PdfWriter

    from certification.pdf import signing

    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=4096)
        if kind == "rsa-4096"
        else (ec.generate_private_key(ec.SECP384R1()))
    )
    centre_seal = _seal_with(key)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    signed = signing.sign_pdf(out.getvalue(), seal=centre_seal, reason="test")
    found = signing.check_pdf(signed, seal=centre_seal)
    assert found.signed and found.intact and found.trusted and found.covers_whole_file
    assert centre_seal.subject in found.signer
