"""The centre's electronic seal: its certificate and key, the credential's JAdES (JWS) seal.

Configured by environment (see README, "Sealing and signing"): a PKCS#12 file and its password
(``SEAL_PKCS12_FILE``, ``SEAL_PKCS12_PASSWORD``) or a PEM pair (``SEAL_CERT_FILE`` with the chain
after the seal's certificate, ``SEAL_KEY_FILE``, ``SEAL_KEY_PASSWORD``). Without them the platform
seals with a demonstration key, generated once under ``SEAL_DIR`` (``var/seal/``, never in the
repository), and says so: a verifier trusts it no more than any self-signed certificate.

A configured seal that cannot be used (wrong password, expired, key not matching its certificate)
is an error with its reason, at start and on every job: nothing is ever issued unsealed silently.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEMO_NAME = "Demonstration seal — not for real use"
DEMO_PASSWORD = b"demonstration"


class SealError(ImproperlyConfigured):
    """The configured seal cannot be used; the message names the variable and the reason."""


class SealInvalid(ValueError):
    """A sealed credential whose seal does not verify (altered, or not sealed by us)."""


@dataclass(frozen=True)
class Seal:
    key: Any
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    is_demo: bool
    source: str

    @property
    def subject(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1] if self.chain else self.certificate


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Loading ----------------------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _spki(public_key: Any) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _checked(seal: Seal) -> Seal:
    cert = seal.certificate
    now = _now()
    if cert.not_valid_after_utc < now:
        raise SealError(
            f"{seal.source}: the seal certificate ({seal.subject}) expired on "
            f"{cert.not_valid_after_utc:%Y-%m-%d}; renew it with your trust service provider."
        )
    if cert.not_valid_before_utc > now:
        raise SealError(
            f"{seal.source}: the seal certificate ({seal.subject}) is valid only from "
            f"{cert.not_valid_before_utc:%Y-%m-%d}."
        )
    if _spki(cert.public_key()) != _spki(seal.key.public_key()):
        raise SealError(
            f"{seal.source}: the private key does not match the seal certificate ({seal.subject})."
        )
    if not isinstance(seal.key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SealError(f"{seal.source}: the seal key must be RSA or elliptic-curve.")
    return seal


def _read(path: str, variable: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SealError(f"{variable}: cannot read {path} ({exc.strerror}).") from None


def _from_pkcs12(path: str, password: str) -> Seal:
    data = _read(path, "SEAL_PKCS12_FILE")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError:
        raise SealError(
            f"SEAL_PKCS12_PASSWORD: the password does not open {path} (or the file is not a PKCS#12 file)."
        ) from None
    if key is None or cert is None:
        raise SealError(f"SEAL_PKCS12_FILE: {path} holds no private key and certificate.")
    return Seal(key=key, certificate=cert, chain=tuple(extra or ()), is_demo=False, source="SEAL_PKCS12_FILE")


def _from_pem(cert_path: str, key_path: str, password: str) -> Seal:
    certs = x509.load_pem_x509_certificates(_read(cert_path, "SEAL_CERT_FILE"))
    try:
        key = serialization.load_pem_private_key(
            _read(key_path, "SEAL_KEY_FILE"), password.encode() if password else None
        )
    except (ValueError, TypeError):
        raise SealError(
            f"SEAL_KEY_PASSWORD: the key {key_path} cannot be opened (wrong password or not PEM)."
        ) from None
    return Seal(key=key, certificate=certs[0], chain=tuple(certs[1:]), is_demo=False, source="SEAL_CERT_FILE")


def _demo_dir() -> Path:
    return Path(getattr(settings, "SEAL_DIR", "") or Path(settings.VAR_DIR) / "seal")


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mobility platform (demonstration)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_demo_chain(
    *, days: int = 3 * 365, not_before: dt.datetime | None = None, key: Any = None
) -> tuple[Any, x509.Certificate, x509.Certificate]:
    """A self-signed demonstration root and a seal certificate issued by it: (key, seal cert, root).
    ``key``: the seal's private key (a new 2048-bit RSA key by default)."""
    start = not_before or _now() - dt.timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Demonstration root — not a trust service provider")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days + 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(root_key, hashes.SHA256())
    )
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEMO_NAME))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return key, cert, root


def _demo() -> Seal:
    folder = _demo_dir()
    path = folder / "demo-seal.p12"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key, cert, root = make_demo_chain()
        data = pkcs12.serialize_key_and_certificates(
            b"demo-seal", key, cert, [root], serialization.BestAvailableEncryption(DEMO_PASSWORD)
        )
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.chmod(0o600)
        temporary.replace(path)  # two workers starting at once: one file wins, both read it
    key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_PASSWORD)
    return Seal(key=key, certificate=cert, chain=tuple(extra or ()), is_demo=True, source=str(path))


_lock = threading.Lock()
_cache: dict[tuple, Seal] = {}


def _settings_key() -> tuple:
    return tuple(
        str(getattr(settings, name, "") or "")
        for name in ("SEAL_PKCS12_FILE", "SEAL_PKCS12_PASSWORD", "SEAL_CERT_FILE", "SEAL_KEY_FILE",
                     "SEAL_KEY_PASSWORD", "SEAL_DIR", "VAR_DIR")
    )  # fmt: skip


def seal_configured() -> bool:
    return bool(getattr(settings, "SEAL_PKCS12_FILE", "") or getattr(settings, "SEAL_CERT_FILE", ""))


def load_seal() -> Seal:
    """The seal to use now (checked: not expired, key matching), the demonstration one if none is set."""
    key = _settings_key()
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached.certificate.not_valid_after_utc < _now():
            p12, p12_password, cert, pem_key, pem_password = key[:5]
            if p12:
                cached = _from_pkcs12(p12, p12_password)
            elif cert or pem_key:
                if not (cert and pem_key):
                    raise SealError("SEAL_CERT_FILE and SEAL_KEY_FILE go together: set both.")
                cached = _from_pem(cert, pem_key, pem_password)
            else:
                cached = _demo()
            _cache[key] = _checked(cached)
        return cached


# --- The credential's seal (JAdES baseline, JWS JSON serialisation, unencoded payload) ----------
def _sign(seal: Seal, data: bytes) -> tuple[str, bytes]:
    if isinstance(seal.key, rsa.RSAPrivateKey):
        return "RS256", seal.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    r, s = decode_dss_signature(seal.key.sign(data, ec.ECDSA(hashes.SHA256())))
    size = (seal.key.curve.key_size + 7) // 8
    return "ES256", r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def credential_payload(credential: dict[str, Any]) -> str:
    """The exact text that is sealed: the credential as compact JSON."""
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def seal_credential(
    credential: dict[str, Any], *, seal: Seal | None = None, at: dt.datetime | None = None
) -> str:
    """The sealed credential as the EU's signed sample has it: ``{"payload", "signatures"}``."""
    seal = seal or load_seal()
    payload = credential_payload(credential)
    alg = "RS256" if isinstance(seal.key, rsa.RSAPrivateKey) else "ES256"
    header = {
        "alg": alg,
        "typ": "jose+json",
        "cty": "octet-stream",
        "b64": False,
        "crit": ["b64", "sigT"],
        "sigT": (at or _now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x5t#S256": _b64url(hashlib.sha256(_der(seal.certificate)).digest()),
        "x5c": [base64.b64encode(_der(c)).decode("ascii") for c in (seal.certificate, *seal.chain)],
    }
    protected = _b64url(json.dumps(header, separators=(",", ":")).encode())
    _alg, signature = _sign(seal, f"{protected}.".encode() + payload.encode("utf-8"))
    return json.dumps(
        {"payload": payload, "signatures": [{"protected": protected, "signature": _b64url(signature)}]}
    )


def open_sealed(
    text: str | bytes, *, trusted: x509.Certificate | None = None
) -> tuple[dict[str, Any], x509.Certificate]:
    """The credential inside a sealed file, once its seal verifies: (credential, seal certificate).

    ``trusted``: the certificate the seal must have been made with (ours); raises ``SealInvalid``.
    """
    try:
        document = json.loads(text)
        payload = document["payload"]
        entry = document["signatures"][0]
        protected = entry["protected"]
        header = json.loads(_b64url_decode(protected))
        signature = _b64url_decode(entry["signature"])
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SealInvalid("not a sealed credential") from exc
    if trusted is not None and _der(cert) != _der(trusted):
        raise SealInvalid("sealed with another certificate")
    data = f"{protected}.".encode() + payload.encode("utf-8")
    public = cert.public_key()
    try:
        if header.get("alg") == "RS256" and isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif header.get("alg") == "ES256" and isinstance(public, ec.EllipticCurvePublicKey):
            half = len(signature) // 2
            der = encode_dss_signature(
                int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
            )
            public.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise SealInvalid("unsupported algorithm")
    except InvalidSignature:
        raise SealInvalid("the seal does not match the content") from None
    try:
        return json.loads(payload), cert
    except ValueError as exc:
        raise SealInvalid("the payload is not JSON") from exc
