"""The platform's public address (SITE_URL): what production accepts (read by the settings).

Certificates freeze it in their QR code and credential, e-mails carry it in every link: a wrong
address is not a cosmetic fault but documents pointing nowhere for years.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare name only resolves on a private network
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def site_url_problem(value: str, *, plain_http_allowed: bool = False) -> str:
    """Why ``value`` cannot be the production address ("" when it can).

    ``plain_http_allowed`` (``SECURE_SSL_REDIRECT=false``) accepts ``http://`` on the loopback
    only, for a measurement run on one machine; a public host always needs ``https://``.
    """
    if not value:
        return "must be set when DEBUG is off: the public https:// address of the platform"
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return f"{value!r} is not an address such as https://mobility.example.org"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return f"{value!r} must be the site's root address, without a path"
    local = _is_local(host)
    if local and not (plain_http_allowed and host.strip("[]") in ("127.0.0.1", "::1", "localhost")):
        return f"{value!r} is not a public host: certificates would point at it"
    if parts.scheme != "https" and not local:
        return f"{value!r} must start with https://"
    return ""
