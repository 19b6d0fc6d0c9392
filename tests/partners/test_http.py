"""The client's address behind reverse proxies: the right-most address no trusted proxy wrote."""

import pytest
from django.test import RequestFactory

from partners.http import client_ip

PROXY = "10.0.0.2"


def request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.0.2.0/28", "2001:db8:ff::/48"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_the_address_the_trusted_proxy_saw_is_the_client(behind_proxy):
    assert client_ip(request(PROXY, "203.0.113.5")) == "203.0.113.5"


def test_what_the_client_wrote_itself_is_ignored(behind_proxy):
    # The client sends "X-Forwarded-For: 1.2.3.4"; the proxy appends the address it really saw.
    assert client_ip(request(PROXY, "1.2.3.4, 203.0.113.5")) == "203.0.113.5"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    assert client_ip(request(PROXY, "1.2.3.4, 203.0.113.5, 192.0.2.3")) == "203.0.113.5"


def test_a_direct_client_cannot_pretend_to_be_someone_else(behind_proxy):
    assert client_ip(request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_a_request_from_the_proxy_itself_is_the_proxy(behind_proxy):
    assert client_ip(request(PROXY)) == PROXY


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop(behind_proxy):
    assert client_ip(request(PROXY, "203.0.113.5, not-an-address")) == PROXY


def test_ports_and_brackets_written_by_a_proxy_are_read(behind_proxy):
    assert client_ip(request(PROXY, "203.0.113.5:51234")) == "203.0.113.5"
    assert client_ip(request(PROXY, "[2001:db8::7]:443")) == "2001:db8::7"


def test_ipv6_networks_and_ipv4_mapped_addresses(behind_proxy):
    assert client_ip(request("2001:db8:ff::1", "2001:db8:1::9")) == "2001:db8:1::9"
    assert client_ip(request("::ffff:10.0.0.2", "203.0.113.5")) == "203.0.113.5"


def test_no_request_no_address():
    assert client_ip(None) is None
