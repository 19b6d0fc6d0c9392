"""Where the benchmarks run: their own database and Redis database, production-like settings.

``configure()`` runs before Django starts; every process of the run (this one, gunicorn, the Celery
workers) inherits the environment it sets. ``prepare_database()`` creates, migrates and seeds the
benchmark database once; later runs reuse it when it holds the data set they ask for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mobility_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
#: Redis databases of the platform and its test suite: the benchmarks never touch them.
FORBIDDEN_REDIS_DBS = {"0", "1", "2"}


@dataclass(frozen=True)
class DataSet:
    """The synthetic national data set (``seed_scale``) the figures are measured on."""

    centres: int
    learners: int
    mobilities: int
    hosts: int
    seed: int = 2026


FULL = DataSet(centres=100, learners=100_000, mobilities=100_000, hosts=5_000)
QUICK = DataSet(centres=20, learners=20_000, mobilities=20_000, hosts=1_000)


class BenchSetupError(RuntimeError):
    pass


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def configure(*, quick: bool, port: int) -> None:
    """Sets the environment of the run. Refuses a database or Redis database that is not the benchmarks'."""
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    name = _database_name(database_url)
    if "bench" not in name or name.startswith("test_"):
        raise BenchSetupError(
            f"DATABASE_URL names the database {name!r}: the benchmarks create, fill and clean their own "
            "database, whose name contains 'bench' (make bench uses mobility_bench)."
        )
    if quick and not name.endswith("_quick"):
        # the quick data set lives beside the full one, so switching does not reseed either
        database_url = _with_database(database_url, name + "_quick")
    redis_db = urlsplit(redis_url).path.lstrip("/") or "0"
    if redis_db in FORBIDDEN_REDIS_DBS:
        raise BenchSetupError(f"REDIS_URL uses Redis database {redis_db}; the benchmarks use their own (3).")
    VAR.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            # production settings (docker-compose.yml), on plain HTTP on the loopback
            "DEBUG": "false",
            "SECRET_KEY": "benchmarks-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": "dummymail://",
            "STATIC_ROOT": str(VAR / "static"),
            "MEDIA_ROOT": str(VAR / "media"),
            "CELERY_QUEUE": "bench",
            "CACHE_KEY_PREFIX": "bench",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "mobility.settings",
        }
    )
    os.environ.pop("DEMO_MODE", None)
    os.environ.pop("MFA_REQUIRED_FOR_STAFF", None)


def _ensure_database(url: str) -> bool:
    """Creates the database when it does not exist; True when it was created."""
    import psycopg
    from psycopg import sql

    name = _database_name(url)
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = _database_name(url)
    assert "bench" in name
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _manage(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise BenchSetupError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _loaded_data_set() -> dict | None:
    """The data set the database holds, as recorded by the run that seeded it."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, connect_timeout=5) as conn:
        exists = conn.execute("SELECT to_regclass('bench_data_set')").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT centres, learners, mobilities, hosts, seed FROM bench_data_set").fetchone()
    if row is None:
        return None
    return dict(zip(("centres", "learners", "mobilities", "hosts", "seed"), row, strict=True))


def _record_data_set(data: DataSet) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5) as conn:
        conn.execute(
            "CREATE TABLE bench_data_set (centres int, learners int, mobilities int, hosts int, seed int)"
        )
        conn.execute(
            "INSERT INTO bench_data_set VALUES (%s, %s, %s, %s, %s)",
            [data.centres, data.learners, data.mobilities, data.hosts, data.seed],
        )


def prepare_database(data: DataSet, *, log) -> dict[str, float]:
    """The benchmark database, migrated and seeded with ``data`` (seeded once, then reused)."""
    url = os.environ["DATABASE_URL"]
    figures: dict[str, float] = {}
    _ensure_database(url)
    if _loaded_data_set() != asdict(data):
        # empty, another data set, or a seed that did not finish: start from a clean database
        log(f"seeding {data} into {_database_name(url)} (once; later runs reuse it)")
        _recreate_database(url)
    started = time.perf_counter()
    _manage("migrate", "--noinput", "-v", "0")
    figures["migrate_s"] = round(time.perf_counter() - started, 1)
    if _loaded_data_set() is None:
        started = time.perf_counter()
        output = _manage(
            "seed_scale",
            "--centres",
            str(data.centres),
            "--learners",
            str(data.learners),
            "--mobilities",
            str(data.mobilities),
            "--hosts",
            str(data.hosts),
            "--seed",
            str(data.seed),
        )
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        log(" ".join(output.split()))
        _record_data_set(data)
    # DEBUG off serves hashed static files: the manifest must exist, as in the image
    _manage("collectstatic", "--noinput", "-v", "0")
    return figures


def flush_redis() -> None:
    """Empties the benchmarks' Redis database (queue, cache, rate limits) before a run."""
    import redis

    url = os.environ["REDIS_URL"]
    assert (urlsplit(url).path.lstrip("/") or "0") not in FORBIDDEN_REDIS_DBS
    redis.Redis.from_url(url, socket_timeout=5).flushdb()


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count() or 1),
        "memory": memory,
        "cpu": cpu,
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }
