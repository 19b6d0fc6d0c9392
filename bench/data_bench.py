"""Benchmarks of imports and exports, as ratios against a baseline measured in the same run.

    python bench/data_bench.py [--learners 10000] [--mobilities 100000]

* import of N learners (check + bulk write, in a transaction rolled back) vs ``bulk_create`` of
  the same rows; the preview (check only) is printed too;
* export of M mobilities to CSV through the neutralising writer vs PostgreSQL
  ``COPY (same query) TO STDOUT`` of the same columns;
* peak memory of an XLSX export of M/10 and M rows (write-only mode: flat).

Prints one ``name: value`` line per figure. Needs PostgreSQL (DATABASE_URL); loads the national
scale data set (seed_scale) when there are fewer mobilities than asked.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from mobility import exports  # noqa: E402
from mobility.imports.cli import all_centres, command_user  # noqa: E402
from mobility.imports.engine import importer_for  # noqa: E402
from mobility.imports.parsing import read_table  # noqa: E402
from mobility.models import Learner, Mobility  # noqa: E402
from mobility.spreadsheets import Rows, write_csv, write_xlsx  # noqa: E402


class Rollback(Exception):
    pass


def timed(func) -> float:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            func()
            raise Rollback
    except Rollback:
        pass
    return time.perf_counter() - started


def learners_csv(n: int) -> bytes:
    lines = ["INE;Nom;Prénom;Date de naissance;Courriel;Sexe;Nationalité;Téléphone;Métier\n"]
    lines += [
        f"B{i:09d}X;Nom{i};Prénom{i};{1 + i % 28:02d}/{1 + i % 12:02d}/{1990 + i % 15};"
        f"bench{i}@apprentis.example;{'FM'[i % 2]};FR;06 12 34 {i % 100:02d} {i % 97:02d};Boulangerie\n"
        for i in range(n)
    ]
    return "".join(lines).encode("utf-8")


def bench_import(n: int) -> dict[str, float]:
    centre = all_centres()[0]
    user = command_user(email=None, centres=[centre])
    raw = learners_csv(n)
    table = read_table(io.BytesIO(raw), "csv")

    def baseline():
        import datetime

        rows = [
            Learner(
                centre=centre,
                national_id=c[0],
                last_name=c[1],
                first_name=c[2],
                date_of_birth=datetime.datetime.strptime(c[3], "%d/%m/%Y").date(),
                email=c[4],
                sex=c[5],
                nationality=c[6],
                phone=c[7],
                trade=c[8],
            )
            for _number, c in table.rows
        ]
        Learner.objects.bulk_create(rows, batch_size=1000)

    def preview():
        importer_for("learners", centre=centre, user=user, table=read_table(io.BytesIO(raw), "csv")).check()

    def imported():
        importer = importer_for(
            "learners", centre=centre, user=user, table=read_table(io.BytesIO(raw), "csv")
        )
        result = importer.check()
        assert result.counts["new"] == n, result.counts
        importer.write(result.rows)

    base = min(timed(baseline) for _ in range(2))
    check = timed(preview)
    full = timed(imported)
    return {
        "import_learners_bulk_create_s": round(base, 3),
        "import_learners_preview_s": round(check, 3),
        "import_learners_s": round(full, 3),
        "import_learners_vs_bulk_create": round(full / base, 2),
    }


def bench_export(m: int) -> dict[str, float]:
    if Mobility.objects.count() < m:
        from mobility.scale import seed_scale

        seed_scale(centres=40, learners=max(m, 20_000), mobilities=m, hosts=2_000, seed=2026)
    user = command_user(email=None, centres=all_centres())
    qs = exports.mobility_queryset(user, {}, exports.Capability.EXPORT_DATA)[:m]
    columns = [c.path for c in exports.MOBILITY_COLUMNS]
    sql, params = qs.values_list(*columns).query.sql_with_params()

    def copy() -> float:
        started = time.perf_counter()
        query = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with (
            tempfile.TemporaryFile() as out,
            connection.cursor() as cursor,
            cursor.cursor.copy(query, params) as stream,
        ):
            for block in stream:
                out.write(block)
        return time.perf_counter() - started

    def ours() -> float:
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, transaction.atomic():
            rows = exports.rows_for("mobilities", user, {})
            rows.rows = (r for i, r in zip(range(m), rows.rows, strict=False))
            count = write_csv(rows, out)
        assert count == m, count
        return time.perf_counter() - started

    base = min(copy() for _ in range(3))
    mine = min(ours() for _ in range(2))
    return {
        "export_mobilities_copy_s": round(base, 3),
        "export_mobilities_csv_s": round(mine, 3),
        "export_mobilities_csv_vs_copy": round(mine / base, 2),
    }


def bench_xlsx_memory(m: int) -> dict[str, float]:
    def peak(count: int) -> int:
        rows = ([f"MOB-{i}", "Completed", f"Nom{i}", f"Prénom{i}", "ES", i % 40, "=x"] for i in range(count))
        tracemalloc.start()
        with tempfile.TemporaryFile() as out:
            write_xlsx(Rows("x", list("abcdefg"), rows), out)
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(m // 10), peak(m)
    return {
        f"xlsx_peak_mb_{m // 10}_rows": round(small / 1e6, 2),
        f"xlsx_peak_mb_{m}_rows": round(large / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--mobilities", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    args = parser.parse_args()
    results = {}
    export = bench_export(args.mobilities)  # loads the data set first when needed
    results.update(bench_import(args.learners))
    results.update(export)
    results.update(bench_xlsx_memory(args.xlsx_rows))
    for name, value in results.items():
        print(f"{name}: {value}")
    out = ROOT / "bench" / "results-data.json"
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
