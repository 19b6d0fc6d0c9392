"""The fixed cast every test can use, and the real services the suite runs against.

Chamber A owns centres A and A2; chamber B owns centre B.
- ``referent_a``: mobility referent of centre A
- ``readonly_a``: read-only staff of centre A
- ``referent_b``: mobility referent of centre B (the outsider)
- ``chamber_admin``: network administrator of chamber A (sees A and A2)
- ``centre_admin_a``: centre administrator of centre A
- ``operator``: platform operator (Django superuser, no membership)
"""

import os
import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from partners.accounts.roles import Role

from . import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Each test run gets its own Celery queue and cache prefix: runs on one machine never share work.
RUN_ID = uuid.uuid4().hex[:10]


def pytest_configure(config):
    from django.conf import settings

    from mobility.celery import app

    # A deliberately slow hash protects real passwords; in tests it only costs seconds per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    queue = f"test-{RUN_ID}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue
    os.environ["TEST_CELERY_QUEUE"] = queue
    if "default" in settings.CACHES and "redis" in settings.CACHES["default"]["BACKEND"]:
        settings.CACHES["default"]["KEY_PREFIX"] = f"test-{RUN_ID}"
    _flush_steps_over_the_audit_truncate_trigger()


def _flush_steps_over_the_audit_truncate_trigger():
    """Transactional tests end by emptying every table with one TRUNCATE, which the audit table
    refuses (partners/migrations/0011_audit_refuses_truncate.py). The test database's flush, and
    only it, disables that trigger for its own transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    table, trigger = "partners_auditentry", "partners_auditentry_no_truncate"

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if table not in tables:
            return statements
        return [
            f"ALTER TABLE {table} DISABLE TRIGGER {trigger}",
            *statements,
            f"ALTER TABLE {table} ENABLE TRIGGER {trigger}",
        ]

    DatabaseOperations.sql_flush = sql_flush


def _seeded_data_back(sender, **kwargs) -> None:
    """What the migrations seed (catalogue, shipped rate tables, end-of-stay questions, checklist
    items, emergency numbers) is put back after a transactional test flushes every table: Django
    sends ``post_migrate`` after that flush, as after ``migrate``. Each install adds only what is
    missing."""
    if sender.name != "mobility":
        return
    from mobility.care import seed as care_seed
    from mobility.catalogue import services as catalogue
    from mobility.funding import services as funding
    from mobility.quality import seed as quality_seed

    catalogue.install()
    funding.install()
    quality_seed.install()
    care_seed.install()


@pytest.fixture(scope="session", autouse=True)
def _seeded_data_survives_flushes():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_seeded_data_back, dispatch_uid="tests.seeded_data_back")
    yield
    post_migrate.disconnect(dispatch_uid="tests.seeded_data_back")


@pytest.fixture(scope="session", autouse=True)
def _require_real_services(django_db_setup, django_db_blocker):
    """The suite is written against PostgreSQL and Redis; anything else is a configuration error."""
    from django.conf import settings

    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.exit("The tests need PostgreSQL: set DATABASE_URL (make test does).", returncode=3)
    if not settings.REDIS_URL:
        pytest.exit("The tests need Redis: set REDIS_URL (make test does).", returncode=3)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request activates its language for the whole thread: the next test must not inherit it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _email_breaker_closed(monkeypatch):
    """A broker outage simulated by one test must not keep the next tests' e-mails from publishing."""
    from partners.broker import services as broker

    monkeypatch.setattr(broker, "_quiet_until", 0.0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test to the next."""
    _clear_run_cache()
    yield
    _clear_run_cache()


def _clear_run_cache():
    client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"test-{RUN_ID}:*", count=500))
    if keys:
        client.delete(*keys)


# --- The cast ---------------------------------------------------------------------------------
@pytest.fixture
def chamber_a(db):
    return factories.NetworkFactory(name="Chambre de Métiers de la Région Valdoise")


@pytest.fixture
def chamber_b(db):
    return factories.NetworkFactory(name="Chambre de Métiers de Norvelle")


@pytest.fixture
def centre_a(chamber_a):
    return factories.CentreFactory(name="CFA des Métiers de Montclar", parent=chamber_a)


@pytest.fixture
def centre_a2(chamber_a):
    return factories.CentreFactory(name="CFA du Bâtiment de Saint-Aubrac", parent=chamber_a)


@pytest.fixture
def centre_b(chamber_b):
    return factories.CentreFactory(name="CFA Interprofessionnel de Norvelle", parent=chamber_b)


def _member(org, role, email):
    user = factories.UserFactory(email=email)
    factories.MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def referent_a(centre_a):
    return _member(centre_a, Role.REFERENT, "alice@montclar.example")


@pytest.fixture
def readonly_a(centre_a):
    return _member(centre_a, Role.READONLY, "bob@montclar.example")


@pytest.fixture
def centre_admin_a(centre_a):
    return _member(centre_a, Role.CENTRE_ADMIN, "diane@montclar.example")


@pytest.fixture
def referent_b(centre_b):
    return _member(centre_b, Role.REFERENT, "charlie@norvelle.example")


@pytest.fixture
def chamber_admin(chamber_a, centre_a, centre_a2):
    return _member(chamber_a, Role.NETWORK_ADMIN, "eve@valdoise.example")


@pytest.fixture
def operator(db):
    return factories.UserFactory(email="operator@mobility.example", is_staff=True, is_superuser=True)


@pytest.fixture
def client_of(client):
    """``client_of(user)`` logs ``user`` in on the test client and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 900}}
