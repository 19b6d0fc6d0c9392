"""National-scale synthetic data for the benchmarks (PostgreSQL, COPY; reproducible with --seed)."""

import time

from django.core.management.base import BaseCommand

from mobility.demo.scale import seed_scale


class Command(BaseCommand):
    help = "Load national-scale synthetic data: centres, host companies, learners, mobilities."

    def add_arguments(self, parser):
        parser.add_argument("--centres", type=int, default=100)
        parser.add_argument("--learners", type=int, default=100_000)
        parser.add_argument("--mobilities", type=int, default=30_000)
        parser.add_argument(
            "--hosts", type=int, default=5_000, help="Host companies in the shared directory."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, centres, learners, mobilities, hosts, seed, **options):
        started = time.monotonic()
        report = seed_scale(centres=centres, learners=learners, mobilities=mobilities, hosts=hosts, seed=seed)
        for name, count in report.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.1f} s"))
