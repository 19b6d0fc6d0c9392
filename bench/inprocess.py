"""The CPU cost and the queries of one request of each page, in-process, on a seeded database.

    DATABASE_URL=postgres://…/<a seeded database> .venv/bin/python -m bench.inprocess [--repeat 30]
        [--profile mobility_page] [--sort cumulative] [--lines 40] [--filter REGEX] [--queries] [--explain]

The same measurement as ``cpu_ms_<page>`` of ``make bench`` (``bench.capacity.bench_cpu``: Django's
test client in this process, production's settings with ``DEBUG=false``, the referent of the first
centre, the same paths), without starting servers or workers, so that a change to a page can be
measured before and after on the same data. It also counts each page's queries and, with
``--profile``, prints a cProfile of ``repeat`` requests of one page. It reads the database and writes
only a session row and the referent's authenticator (as the benchmark does). Seed the database first
with ``manage.py seed_scale`` (the benchmark's ``--quick`` sizes: ``--centres 20 --learners 20000
--mobilities 20000 --hosts 1000 --seed 2026``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time


def _configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmarks-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("STATIC_ROOT", os.path.join(tempfile.gettempdir(), "mobility-inprocess-static"))
    os.environ.pop("DEMO_MODE", None)
    os.environ.pop("MFA_REQUIRED_FOR_STAFF", None)


def _explain(connection, queries: list[str]) -> None:
    """Planning and execution times of each query, as PostgreSQL reports them (third of three runs)."""
    import re

    for sql in queries:
        with connection.cursor() as cursor:
            for _run in range(3):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SUMMARY) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
        found = {
            key: float(match.group(1))
            for key in ("Planning", "Execution")
            for line in lines
            if (match := re.match(rf"{key} Time: ([\d.]+) ms", line))
        }
        print(
            f"  plan {found.get('Planning', 0):6.2f} ms  run {found.get('Execution', 0):6.2f} ms  {sql[:140]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", help="a page kind to profile (mobility_page, dashboard, …)")
    parser.add_argument("--only", nargs="+", help="the page kinds to measure (all by default)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--filter", help="restrict the profile's lines to paths matching this (a regular expression)"
    )
    parser.add_argument(
        "--queries",
        action="store_true",
        help="print each query of the first request of each page, with its time",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) each query of the first request of each page: planning and run times",
    )
    args = parser.parse_args(argv)
    _configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext, override_settings

    from partners.accounts.models import User

    from .pages import PAGES, page_centre, paths_for
    from .web import signed_in_session

    if not os.path.exists(os.path.join(settings.STATIC_ROOT, "staticfiles.json")):
        call_command("collectstatic", "--noinput", "-v", "0")
    centre = page_centre()
    referent = User.objects.get(email=f"referent{centre.pk}@scale.example")
    paths = paths_for(centre)
    kinds = args.only or ("trivial", *PAGES, "search")
    with override_settings(ROOT_URLCONF="bench.urls"):
        client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
        client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(referent)
        for kind in kinds:
            kind_paths = paths[kind]
            response = client.get(kind_paths[0])
            if response.status_code != 200:
                raise SystemExit(f"GET {kind_paths[0]} answered {response.status_code}")
            counts = set()
            for path in kind_paths[:10]:
                with CaptureQueriesContext(connection) as captured:
                    client.get(path)
                counts.add(len(captured))
                if args.queries and path == kind_paths[0]:
                    for query in captured.captured_queries:
                        print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")
                if args.explain and path == kind_paths[0]:
                    _explain(connection, [query["sql"] for query in captured.captured_queries])
            if args.profile == kind:
                profile = cProfile.Profile()
                profile.enable()
                for index in range(args.repeat):
                    client.get(kind_paths[index % len(kind_paths)])
                profile.disable()
                stats = pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort)
                stats.print_stats(*([args.filter] if args.filter else []), args.lines)
            times, walls = [], []
            for index in range(args.repeat):
                started, wall = time.process_time(), time.perf_counter()
                client.get(kind_paths[index % len(kind_paths)])
                times.append(time.process_time() - started)
                walls.append(time.perf_counter() - wall)
            queries = "–".join(str(n) for n in sorted({min(counts), max(counts)}))
            print(
                f"{kind}: {statistics.median(times) * 1000:.1f} ms CPU, {statistics.median(walls) * 1000:.1f} ms wall"
                f" (medians of {args.repeat}), {queries} queries"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
