"""The issued PDF's PAdES seal (pyHanko), made with the centre's seal certificate, and its check.

The signature is an incremental update: the PDF/A-3 file and its embedded credential stay as
rendered, byte for byte, before the signature's revision.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization

from certification.seal import Seal

logger = logging.getLogger(__name__)

FIELD_NAME = "Seal"


def _outside_an_event_loop(call: Any) -> Any:
    """pyHanko's synchronous calls run their own event loop (``asyncio.run``), which fails in a
    thread where one is already running (an ASGI server, a browser driver): there, in a thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _asn1(seal: Seal) -> tuple[Any, Any, list[Any]]:
    from asn1crypto import keys, x509

    cert = x509.Certificate.load(seal.certificate.public_bytes(serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(
        seal.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    chain = [x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in seal.chain]
    return cert, key, chain


def _signer(seal: Seal, cert: Any, key: Any, chain: list[Any]) -> Any:
    """pyHanko's in-memory signer, signing with the seal's key as it is already loaded.

    pyHanko's ``SimpleSigner`` parses the key again at every signature, and twice per PDF (its size
    estimate signs too): about 50 ms each for an RSA key, which is checked when loaded.
    """
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class SealSigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            digest = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(seal.key, rsa.RSAPrivateKey):
                return seal.key.sign(data, padding.PKCS1v15(), digest)
            if mechanism == "ecdsa" and isinstance(seal.key, ec.EllipticCurvePrivateKey):
                return seal.key.sign(data, ec.ECDSA(digest))
            return super().sign_raw(data, digest_algorithm)

    return SealSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
    )


def _reserved(cert: Any, chain: list[Any]) -> int:
    """The room left in the PDF for the signature container (hexadecimal, hence twice its bytes): the
    certificates it carries, the signature and its signed attributes (under 2 KB), with a margin.
    Given, it spares pyHanko a trial signature to measure it."""
    return 2 * (len(cert.dump()) + sum(len(c.dump()) for c in chain) + 8192)


def sign_pdf(pdf: bytes, *, seal: Seal, reason: str, location: str = "", name: str = "") -> bytes:
    """``pdf`` with a PAdES baseline signature by ``seal`` (an invisible field: the page shows who signed)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    cert, key, chain = _asn1(seal)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:200],
        name=name[:200] or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signer = _signer(seal, cert, key, chain)
    out = _outside_an_event_loop(
        lambda: signers.sign_pdf(writer, meta, signer=signer, bytes_reserved=_reserved(cert, chain))
    )
    return out.getvalue()


@dataclass(frozen=True)
class PdfSeal:
    """What a verifier learns from a PDF's signatures."""

    signed: bool  # the file carries a signature at all
    intact: bool  # the signed bytes are unchanged and the signature is mathematically valid
    trusted: bool  # made with our seal certificate (its chain)
    signer: str = ""
    covers_whole_file: bool = False


def check_pdf(pdf: bytes, *, seal: Seal) -> PdfSeal:
    """Checks the PDF's last signature against our seal's chain; never raises on a bad file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # not a PDF pyHanko can read: no signature to speak of
        return PdfSeal(signed=False, intact=False, trusted=False)
    if not signatures:
        return PdfSeal(signed=False, intact=False, trusted=False)
    cert, _key, chain = _asn1(seal)
    roots = chain[-1:] or [cert]
    context = ValidationContext(trust_roots=roots, other_certs=chain, allow_fetching=False)
    embedded = signatures[-1]
    try:
        status = _outside_an_event_loop(lambda: validate_pdf_signature(embedded, context))
    except Exception:
        logger.info("a PDF signature could not be validated", exc_info=True)
        return PdfSeal(signed=True, intact=False, trusted=False)
    signer_cert = status.signing_cert
    ours = signer_cert is not None and signer_cert.dump() == cert.dump()
    return PdfSeal(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(ours and status.trusted),
        signer=signer_cert.subject.human_friendly if signer_cert is not None else "",
        covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
    )
