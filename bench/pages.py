"""Latency of the referent's busiest pages on national-scale data, served by gunicorn to concurrent
clients, vs a trivial authenticated page on the same server under the same load.

Each kind of page is loaded on its own (a trivial request queued behind heavy pages would flatter
the ratio), in rounds that alternate the kinds, so that both sides of a ratio see the same moments
of a shared machine.
"""

from __future__ import annotations

from urllib.parse import quote

from mobility.mobilities.models import Mobility
from partners.accounts.models import User
from partners.directory.models import Organisation, OrganisationKind

from . import capacity
from .web import Client, load, signed_in_session, summary_ms

SEARCHES = ("Martin", "Léa", "Dubois", "Valencia", "Hugo Petit", "boulangerie", "Leipzig", "García")
PAGES = ("learner_list", "mobility_list", "mobility_page", "dashboard")


def page_centre() -> Organisation:
    """The first synthetic centre (the certificate benchmarks use the last one)."""
    return Organisation.objects.filter(kind=OrganisationKind.TRAINING_CENTRE).order_by("pk").first()


def paths_for(centre: Organisation) -> dict[str, list[str]]:
    ids = list(Mobility.objects.filter(centre=centre).order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(1, len(ids) // 50)][:50]  # every status, old and new
    searches = [f"/learners/?q={quote(s)}" for s in SEARCHES] + [
        f"/mobilities/?q={quote(s)}" for s in SEARCHES
    ]
    return {
        "trivial": ["/bench/ping/"],
        "learner_list": ["/learners/"],
        "mobility_list": ["/mobilities/"],
        "mobility_page": [f"/mobilities/{pk}/" for pk in sample],
        "dashboard": ["/"],
        "search": searches,
    }


def bench_pages(
    *,
    port: int,
    clients: int,
    requests: int,
    rounds: int,
    log,
    capacity_clients: int = 16,
    capacity_seconds: float = 20.0,
    cpu_repeat: int = 20,
) -> dict[str, float]:
    centre = page_centre()
    referent = User.objects.get(email=f"referent{centre.pk}@scale.example")
    session_key = signed_in_session(referent)
    browsers = [Client(port=port, session_key=session_key) for _ in range(clients)]
    paths = paths_for(centre)
    # a running server has loaded its code and templates and holds its database connections
    for kind_paths in paths.values():
        load(browsers, kind_paths, requests=max(len(kind_paths), 3 * clients))
    latencies: dict[str, list[float]] = {kind: [] for kind in paths}
    for index in range(rounds):
        for kind, kind_paths in paths.items():
            latencies[kind] += load(browsers, kind_paths, requests=requests)
        log(
            f"pages, round {index + 1}: "
            + ", ".join(f"{k} {summary_ms(v)['p95']} ms" for k, v in latencies.items())
        )
    summaries = {kind: summary_ms(values) for kind, values in latencies.items()}
    trivial = summaries["trivial"]["p95"]
    results: dict[str, float] = {}
    for kind in PAGES:
        results[f"page_p95_ms_{kind}"] = summaries[kind]["p95"]
    results["page_p95_ms_trivial"] = trivial
    results["page_p95_ratio"] = round(max(summaries[k]["p95"] for k in PAGES) / trivial, 1)
    for kind in PAGES:
        results[f"page_p95_ratio_{kind}"] = round(summaries[kind]["p95"] / trivial, 1)
    results["search_p95_ms"] = summaries["search"]["p95"]
    results["search_p95_ratio"] = round(summaries["search"]["p95"] / trivial, 1)
    results.update(
        capacity.bench_capacity(
            port=port,
            session_key=session_key,
            paths=paths,
            pages=PAGES,
            clients=capacity_clients,
            seconds=capacity_seconds,
            log=log,
        )
    )
    results.update(
        capacity.bench_cpu(
            session_key=session_key, paths=paths, kinds=("trivial", *PAGES, "search"), repeat=cpu_repeat
        )
    )
    log(
        "cpu per request (ms, in-process): "
        + ", ".join(f"{k[7:]} {v}" for k, v in results.items() if k.startswith("cpu_ms_"))
    )
    return results
