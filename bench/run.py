"""The benchmark suite (``make bench``): one ``name: value`` line per figure, and bench/results.json.

    .venv/bin/python bench/run.py [--quick] [--only pages|data|certificates ...]

Runs against PostgreSQL (DATABASE_URL, a database of its own: mobility_bench) and Redis (REDIS_URL,
database 3), with gunicorn and real Celery worker processes, all started and stopped here.
Every figure is a ratio to a baseline measured in the same run, on the same data: this machine is
shared and noisy, absolute times are given for information only. bench/README.md says what each
figure measures. ``--quick`` (or BENCH_QUICK=1) runs everything on smaller sizes, in its own database.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# run as a script: the project is importable, the bench folder's module names shadow nothing
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import environment  # noqa: E402

SECTIONS = ("pages", "data", "certificates")
#: The figures the issue asks for, always present in results.json (None when a section did not run).
HEADLINE = (
    "certificate_ratio",
    "burst_500_ratio",
    "enqueue_500_ratio",
    "import_10k_ratio",
    "export_100k_ratio",
    "page_p95_ratio",
    "search_p95_ms",
    "worker_rss_mb_after_1000",
    "xlsx_export_peak_mb",
)


@dataclass(frozen=True)
class Sizes:
    import_learners: int
    certificate_batch: int
    certificate_rounds: int
    renders_for_memory: int
    burst: int
    page_clients: int
    page_requests: int
    page_rounds: int
    capacity_clients: int = 16
    capacity_seconds: float = 20.0
    cpu_repeat: int = 20


FULL = Sizes(
    import_learners=10_000,
    certificate_batch=30,
    certificate_rounds=3,
    renders_for_memory=1_000,
    burst=500,
    page_clients=4,
    page_requests=160,
    page_rounds=2,
)
QUICK = Sizes(
    import_learners=2_000,
    certificate_batch=8,
    certificate_rounds=2,
    renders_for_memory=60,
    burst=60,
    page_clients=4,
    page_requests=40,
    page_rounds=1,
    capacity_seconds=8.0,
    cpu_repeat=8,
)


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmarks of the platform against PostgreSQL, Redis, gunicorn and Celery workers.",
        epilog="Sizes: --quick for a short run on a smaller data set (also BENCH_QUICK=1).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0", "false"),
        help="smaller data set and sizes (its own database, <name>_quick)",
    )
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only this section (repeatable)"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "results.json", help="where to write the results"
    )
    return parser.parse_args(argv)


def headline(results: dict, sizes: Sizes) -> dict:
    """The issue's figure names, whatever the sizes (results.json records the sizes next to them)."""
    return {
        "certificate_ratio": results.get("certificate_ratio"),
        "burst_500_ratio": results.get(f"burst_{sizes.burst}_ratio"),
        "enqueue_500_ratio": results.get(f"enqueue_{sizes.burst}_ratio"),
        "import_10k_ratio": results.get("import_ratio"),
        "export_100k_ratio": results.get("export_ratio"),
        "page_p95_ratio": results.get("page_p95_ratio"),
        "search_p95_ms": results.get("search_p95_ms"),
        "worker_rss_mb_after_1000": results.get(f"worker_rss_mb_after_{sizes.renders_for_memory}"),
        "xlsx_export_peak_mb": results.get("xlsx_export_peak_mb"),
    }


def _stop_on_sigterm() -> None:
    def handler(signum, frame):  # the finally blocks stop gunicorn and the workers
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, handler)


def run_sections(sections: tuple[str, ...], sizes: Sizes, port: int, results: dict, errors: dict) -> None:
    from bench import certificates, data_bench, pages
    from bench.processes import running_server, running_worker
    from bench.web import Client, signed_in_session
    from partners.accounts.models import User

    def section(name: str, func) -> None:
        if name not in sections:
            return
        started = time.perf_counter()
        log(f"{name}…")
        try:
            results.update(func())
        except Exception as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc(file=sys.stderr)
        log(f"{name}: {time.perf_counter() - started:.0f} s")

    def page_figures() -> dict:
        return pages.bench_pages(
            port=port,
            clients=sizes.page_clients,
            requests=sizes.page_requests,
            rounds=sizes.page_rounds,
            log=log,
            capacity_clients=sizes.capacity_clients,
            capacity_seconds=sizes.capacity_seconds,
            cpu_repeat=sizes.cpu_repeat,
        )

    def data_figures() -> dict:
        figures: dict = {}
        centre = pages.page_centre()
        referent = User.objects.get(email=f"referent{centre.pk}@scale.example")
        national = data_bench.national_coordinator()
        with running_worker(concurrency=1) as worker:
            figures.update(
                data_bench.bench_import(n=sizes.import_learners, centre=centre, user=referent, worker=worker)
            )
            figures.update(data_bench.bench_export(user=national, worker=worker))
        with running_worker(concurrency=1) as worker:  # a fresh process: its peak memory is the export's
            figures.update(data_bench.bench_xlsx_memory(user=national, worker=worker))
        return figures

    def certificate_figures() -> dict:
        figures: dict = {}
        group = certificates.prepare_group(size=sizes.burst)
        referent = certificates.referent_of(group.centre)
        certificates.group_reset(group)  # whatever an interrupted run left behind
        figures.update(
            certificates.bench_worker_throughput(
                group=group,
                user=referent,
                batch=sizes.certificate_batch,
                rounds=sizes.certificate_rounds,
                total_renders=sizes.renders_for_memory,
                log=log,
            )
        )
        client = Client(port=port, session_key=signed_in_session(referent))
        figures.update(
            certificates.bench_burst(
                group=group,
                user=referent,
                client=client,
                bare_per_s=figures["bare_renders_per_s"],
                cores=os.cpu_count() or 1,
                log=log,
            )
        )
        return figures

    with running_server(port=port):
        section("pages", page_figures)
        section("data", data_figures)
        section("certificates", certificate_figures)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _stop_on_sigterm()
    sizes = QUICK if args.quick else FULL
    data = environment.QUICK if args.quick else environment.FULL
    sections = tuple(args.only or SECTIONS)
    from bench.processes import free_port

    port = free_port()
    environment.configure(quick=args.quick, port=port)
    started = time.perf_counter()
    results: dict = {}
    errors: dict[str, str] = {}
    results.update(environment.prepare_database(data, log=log))
    environment.flush_redis()

    import django

    django.setup()
    run_sections(sections, sizes, port, results, errors)
    results["total_s"] = round(time.perf_counter() - started)

    figures = headline(results, sizes)
    for name, value in figures.items():
        if value is not None:
            print(f"{name}: {value}")
    for name, value in results.items():
        print(f"{name}: {value}")
    report = {
        **figures,
        "details": results,
        "errors": errors,
        "quick": args.quick,
        "sections": list(sections),
        "sizes": asdict(sizes),
        "data_set": asdict(data),
        "machine": environment.machine(),
    }
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    for name, error in errors.items():
        print(f"error in {name}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
