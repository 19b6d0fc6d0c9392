"""Capacity at saturation, and the CPU cost of one request of each page in-process.

``bench_capacity``: 16 concurrent clients (as many as the run asks) send requests for a bounded time,
the four pages mixed (round robin over their paths), then the trivial request alone for the same
time, on the same server: pages served per second, the trivial request's rate, their ratio and the
answers that were not a 200 (errors, counted, not raised: at saturation an error is a result).

``bench_cpu``: each page requested in the benchmark's own process through Django's test client, on the
same data and settings as the server (production's, ``DEBUG=false``), with the session of the same
referent; ``time.process_time()`` around each request, the median of ``repeat`` after a warm-up
request. It is this process's CPU only (Python: views, ORM, templates): PostgreSQL's share runs in
the database's processes and shows in the wall-clock figures.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence

from django.conf import settings

from .web import Client


def saturate(clients: Sequence[Client], paths: Sequence[str], *, seconds: float) -> dict[str, float]:
    """Every client sends GETs over ``paths`` (round robin, one shared counter) until ``seconds`` have
    passed; requests started before the end are waited for and counted."""
    lock = threading.Lock()
    counter = iter(range(10**9))
    done = {"ok": 0, "errors": 0}
    deadline = time.perf_counter() + seconds

    def run(client: Client) -> None:
        while time.perf_counter() < deadline:
            with lock:
                index = next(counter)
            try:
                status, _seconds, _size = client.get(paths[index % len(paths)])
            except OSError:
                status = 0
            with lock:
                done["ok" if status == 200 else "errors"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"per_s": round(done["ok"] / elapsed, 1), "errors": done["errors"], "requests": done["ok"]}


def bench_capacity(
    *,
    port: int,
    session_key: str,
    paths: dict[str, list[str]],
    pages: Sequence[str],
    clients: int,
    seconds: float,
    log,
) -> dict[str, float]:
    browsers = [Client(port=port, session_key=session_key) for _ in range(clients)]
    mixed = [p for kind in pages for p in paths[kind][:10]]  # every page kind in turn, ten paths each
    mixed = [mixed[i] for i in _interleaved(len(mixed), len(pages))]
    pages_run = saturate(browsers, mixed, seconds=seconds)
    trivial_run = saturate(browsers, paths["trivial"], seconds=seconds)
    log(
        f"capacity, {clients} clients, {seconds:.0f} s each: pages {pages_run['per_s']}/s "
        f"({pages_run['errors']} errors), trivial {trivial_run['per_s']}/s ({trivial_run['errors']} errors)"
    )
    return {
        "capacity_clients": clients,
        "capacity_seconds": seconds,
        "capacity_pages_per_s": pages_run["per_s"],
        "capacity_trivial_per_s": trivial_run["per_s"],
        "capacity_ratio": round(trivial_run["per_s"] / pages_run["per_s"], 1) if pages_run["per_s"] else None,
        "capacity_errors": pages_run["errors"] + trivial_run["errors"],
    }


def _interleaved(count: int, kinds: int) -> list[int]:
    """Indexes of ``kinds`` blocks of equal length, taken one from each block in turn."""
    block = count // kinds
    return [k * block + i for i in range(block) for k in range(kinds)]


def bench_cpu(
    *, session_key: str, paths: dict[str, list[str]], kinds: Sequence[str], repeat: int
) -> dict[str, float]:
    from django.test import Client as DjangoClient
    from django.test.utils import override_settings

    results: dict[str, float] = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        client = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        for kind in kinds:
            kind_paths = paths[kind]
            response = client.get(kind_paths[0])  # templates compiled, connection open
            if response.status_code != 200:
                raise RuntimeError(f"in-process GET {kind_paths[0]} answered {response.status_code}")
            times = []
            for index in range(repeat):
                started = time.process_time()
                client.get(kind_paths[index % len(kind_paths)])
                times.append(time.process_time() - started)
            results[f"cpu_ms_{kind}"] = round(statistics.median(times) * 1000, 1)
    return results
