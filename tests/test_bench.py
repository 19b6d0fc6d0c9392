"""The benchmark suite's entry point and its guard rails (bench/run.py); it runs no benchmark."""

import subprocess
import sys
from pathlib import Path

import pytest

from bench import environment, run

ROOT = Path(__file__).resolve().parent.parent


def test_run_py_help_lists_the_quick_option():
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "--only" in done.stdout


def test_results_carry_every_figure_of_the_issue_whatever_the_sizes():
    figures = run.headline({"burst_60_ratio": 1.2, "worker_rss_mb_after_60": 170.0}, run.QUICK)
    assert set(figures) == set(run.HEADLINE)
    assert figures["burst_500_ratio"] == 1.2
    assert figures["worker_rss_mb_after_1000"] == 170.0


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/mobility",
        "postgres://postgres@127.0.0.1:5432/test_mobility_bench",
    ],
)
def test_it_refuses_a_database_that_is_not_the_benchmarks(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    with pytest.raises(environment.BenchSetupError):
        environment.configure(quick=False, port=8700)


def test_it_refuses_the_redis_databases_of_the_platform_and_its_tests(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mobility_bench")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    with pytest.raises(environment.BenchSetupError):
        environment.configure(quick=False, port=8700)


def test_the_readme_explains_every_figure_and_gives_results():
    readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    for name in run.HEADLINE:
        assert f"`{name}`" in readme, name
    assert "## Latest results" in readme and "RESULTS" not in readme


def test_the_capacity_run_mixes_the_four_pages_in_turn():
    from bench import capacity

    paths = [f"{kind}{i}" for kind in "abcd" for i in range(3)]
    mixed = [paths[i] for i in capacity._interleaved(len(paths), 4)]
    assert mixed[:4] == ["a0", "b0", "c0", "d0"] and sorted(mixed) == sorted(paths)


def test_the_page_section_reports_capacity_and_cpu_figures():
    source = (ROOT / "bench" / "pages.py").read_text(encoding="utf-8")
    assert "bench_capacity" in source and "bench_cpu" in source
    readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    for name in (
        "capacity_pages_per_s",
        "capacity_trivial_per_s",
        "capacity_ratio",
        "capacity_errors",
        "cpu_ms_",
    ):
        assert f"`{name}" in readme, name


def test_the_parallel_bare_rate_adds_up_the_processes_rendering_at_once():
    import time

    from bench import certificates

    def render() -> bytes:  # a render that waits instead of computing: the cores do not matter
        time.sleep(0.01)
        return b"%PDF"

    one = certificates.bare_rate(render, 10)
    assert certificates.bare_parallel_rate(render, 10, 2) > 1.5 * one


@pytest.mark.django_db
def test_the_bare_baseline_renders_the_html_the_worker_renders_for_a_sealed_certificate(centre_a, referent_a):
    """The benchmark's baseline takes the certificate's HTML where the PDF is made, before the PAdES
    seal (which needs a real PDF), and WeasyPrint renders it into a PDF/A with the credential."""
    import io

    from pypdf import PdfReader

    from bench import certificates
    from certification.models import Certificate
    from tests import factories as base
    from tests.certification.factories import GroupFactory, evaluated_mobility

    group = GroupFactory(centre=centre_a)
    evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre_a))
    html, attachments = certificates.certificate_html(group, referent_a)
    assert "<html" in html and attachments[0].name.endswith(".jsonld")
    assert not Certificate.objects.exists()  # issued for the capture only, rolled back
    pdf = certificates.bare_renderer(html, attachments)()
    assert PdfReader(io.BytesIO(pdf)).attachments
