"""The client's address: the one rule behind the audit log and every rate limit.

Behind reverse proxies, REMOTE_ADDR is the nearest proxy and X-Forwarded-For lists the hops, each
proxy appending the address it saw. Only what ``TRUSTED_PROXIES`` wrote is believed: walking the
header from the right, the first address that is not a trusted proxy is the client. Whatever lies
to its left was sent by the client itself, and a request that did not come from a trusted proxy
is its REMOTE_ADDR whatever its headers say.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks; ValueError naming the first entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or network") from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(value: str) -> Address | None:
    value = value.strip()
    # Some proxies write "192.0.2.1:5678" or "[2001:db8::1]:443".
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the right-most hop of X-Forwarded-For that no trusted proxy wrote."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    trusted = _trusted(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: Address) -> bool:
        return any(address in network for network in trusted)

    client = remote
    if is_trusted(remote):
        for hop in reversed((request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
            address = _address(hop)
            if address is None:  # not written by a trusted proxy: the walk stops at the last one
                break
            client = address
            if not is_trusted(address):
                break
    return str(client)
