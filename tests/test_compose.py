"""docker-compose.yml as Docker Compose reads it: nothing published beyond this host, no mail catcher
in production, no start without a mail relay, the proxy's address trusted."""

import ipaddress
import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RELAY = "smtp+tls://mobility:secret@smtp.example.org:587"


def compose(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"EMAIL_URL", "TRUSTED_PROXIES", "MOBILITY_SUBNET", "SITE_URL"}
    }
    return subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", *args],
        cwd=ROOT,
        env={**base, "SECRET_KEY": "compose-test", "SITE_URL": "https://mobility.example", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def config(*profiles: str, **env: str) -> dict:
    flags = [flag for profile in profiles for flag in ("--profile", profile)]
    done = compose(*flags, "config", **{"EMAIL_URL": RELAY, **env})
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_production_does_not_start_without_a_mail_relay():
    done = compose("config", "-q")
    assert done.returncode != 0
    assert "set EMAIL_URL" in done.stderr


def test_production_does_not_start_without_its_public_address():
    done = compose("config", "-q", EMAIL_URL=RELAY, SITE_URL="")
    assert done.returncode != 0
    assert "set SITE_URL" in done.stderr


def test_the_mail_catcher_belongs_to_the_dev_profile_only():
    services = config()["services"]
    assert services["mailpit"]["profiles"] == ["dev"]
    assert all("profiles" not in service for name, service in services.items() if name != "mailpit")


def test_every_published_port_is_on_the_loopback_only():
    for profiles in ((), ("dev",)):
        for name, service in config(*profiles)["services"].items():
            for port in service.get("ports", []):
                address = port.get("host_ip") if isinstance(port, dict) else str(port).rsplit(":", 2)[0]
                assert address == "127.0.0.1", (name, port)


def test_the_trusted_proxy_is_the_gateway_of_the_compose_network():
    loaded = config()
    subnet = ipaddress.ip_network(loaded["networks"]["default"]["ipam"]["config"][0]["subnet"])
    trusted = loaded["services"]["web"]["environment"]["TRUSTED_PROXIES"]
    assert ipaddress.ip_address(trusted) == next(subnet.hosts())
