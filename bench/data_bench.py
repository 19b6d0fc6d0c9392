"""Imports and exports through their real paths, as ratios against a baseline measured in the same run.

* import of N learners: the data page's services (upload → preview by a worker → confirm → import
  by a worker, in one transaction) vs ``bulk_create`` of the same rows; both committed, then removed;
* export of every mobility (M) to CSV: an export job written by a worker vs PostgreSQL
  ``COPY (same query) TO STDOUT`` of the same columns;
* memory of an XLSX export job of the same mobilities: peak resident memory of the worker process
  that writes it (write-only mode should keep it flat).

The caller starts the worker (bench/run.py); these functions talk to it through the database and the
broker only, as the pages do.
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from mobility.data.exports import jobs as exports_jobs
from mobility.data.exports import rows as exports
from mobility.data.imports import services as imports
from mobility.data.imports.parsing import read_table
from mobility.data.models import ExportJob, ExportStatus, ImportBatch, ImportStatus
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.accounts.models import Membership, User
from partners.accounts.roles import Capability, Role
from partners.directory.models import Organisation, OrganisationKind

from .processes import Worker, wait_for

EMAIL_DOMAIN = "@apprentis.example"
NATIONAL_EMAIL = "national-coordinator@scale.example"


# --- Imports ------------------------------------------------------------------------------------
def learners_csv(n: int) -> bytes:
    lines = ["INE;Nom;Prénom;Date de naissance;Courriel;Sexe;Nationalité;Téléphone;Métier\n"]
    lines += [
        f"B{i:09d}X;Nom{i};Prénom{i};{1 + i % 28:02d}/{1 + i % 12:02d}/{1990 + i % 15};"
        f"bench{i}{EMAIL_DOMAIN};{'FM'[i % 2]};FR;06 12 34 {i % 100:02d} {i % 97:02d};Boulangerie\n"
        for i in range(n)
    ]
    return "".join(lines).encode("utf-8")


def _remove_imported(centre: Organisation) -> None:
    Learner.objects.filter(centre=centre, email__endswith=EMAIL_DOMAIN).delete()
    batches = ImportBatch.objects.filter(centre=centre, original_name="bench-learners.csv")
    for batch in batches:
        if batch.file:
            batch.file.delete(save=False)
    batches.delete()


def _bulk_create(centre: Organisation, raw: bytes) -> float:
    table = read_table(io.BytesIO(raw), "csv")
    started = time.perf_counter()
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
    with transaction.atomic():
        Learner.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - started


def _wait_batch(batch_id: int, status: str, *, timeout: float, worker: Worker) -> ImportBatch:
    def reached() -> ImportBatch | None:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == ImportStatus.FAILED:
            raise RuntimeError(f"import {batch_id} failed: {batch.error}")
        return batch if batch.status == status else None

    return wait_for(
        reached,
        timeout=timeout,
        what=f"import {batch_id} to be {status} (log: {worker.log_path})",
        alive=worker.process,
    )


def bench_import(*, n: int, centre: Organisation, user: User, worker: Worker) -> dict[str, float]:
    raw = learners_csv(n)
    _remove_imported(centre)
    baselines = []
    for _ in range(2):
        baselines.append(_bulk_create(centre, raw))
        _remove_imported(centre)
    base = min(baselines)

    started = timezone.now()
    upload = SimpleUploadedFile("bench-learners.csv", raw, content_type="text/csv")
    batch = imports.import_batch_create(centre=centre, kind="learners", upload=upload, acting_user=user)
    batch = _wait_batch(batch.pk, ImportStatus.PREVIEWED, timeout=600, worker=worker)
    preview = (batch.updated_at - started).total_seconds()
    if batch.counts.get("new") != n:
        raise RuntimeError(f"the preview of {n} new learners says {batch.counts}")
    imports.import_batch_confirm(batch=batch, acting_user=user)
    batch = _wait_batch(batch.pk, ImportStatus.DONE, timeout=600, worker=worker)
    imported = (batch.finished_at - batch.confirmed_at).total_seconds()
    count = Learner.objects.filter(centre=centre, email__endswith=EMAIL_DOMAIN).count()
    _remove_imported(centre)
    if count != n:
        raise RuntimeError(f"the import wrote {count} learners of {n}")
    return {
        "import_bulk_create_s": round(base, 2),
        "import_preview_s": round(preview, 2),
        "import_s": round(imported, 2),
        "import_preview_ratio": round(preview / base, 1),
        "import_ratio": round(imported / base, 1),
    }


# --- Exports ------------------------------------------------------------------------------------
def national_coordinator() -> User:
    """Someone who may export every centre's mobilities: administrator of every chamber."""
    user, created = User.objects.get_or_create(
        email=NATIONAL_EMAIL,
        defaults={"first_name": "Coordination", "last_name": "nationale", "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    chambers = Organisation.objects.filter(kind=OrganisationKind.NETWORK, parent__isnull=True)
    Membership.objects.bulk_create(
        [Membership(user=user, organisation=c, role=Role.NETWORK_ADMIN) for c in chambers],
        ignore_conflicts=True,
    )
    return user


def _remove_exports(user: User) -> None:
    for job in ExportJob.objects.filter(created_by=user):
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(created_by=user).delete()


def _copy(user: User) -> Callable[[], float]:
    qs = exports.mobility_queryset(user, {}, Capability.EXPORT_DATA)
    columns = [c.path for c in exports.MOBILITY_COLUMNS]
    sql, params = qs.values_list(*columns).query.sql_with_params()
    query = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"

    def run() -> float:
        started = time.perf_counter()
        with (
            tempfile.TemporaryFile() as out,
            connection.cursor() as cursor,
            cursor.cursor.copy(query, params) as stream,
        ):
            for block in stream:
                out.write(block)
        return time.perf_counter() - started

    return run


def _export_job(user: User, file_format: str, *, worker: Worker, expected: int) -> tuple[float, ExportJob]:
    started = timezone.now()
    job = exports_jobs.export_job_request(user=user, kind="mobilities", file_format=file_format, params={})

    def finished() -> ExportJob | None:
        job_now = ExportJob.objects.get(pk=job.pk)
        if job_now.status == ExportStatus.FAILED:
            raise RuntimeError(f"export {job.pk} failed: {job_now.error}")
        return job_now if job_now.status == ExportStatus.READY else None

    done = wait_for(
        finished,
        timeout=900,
        what=f"export {job.pk} (log: {worker.log_path})",
        interval=0.05,
        alive=worker.process,
    )
    if done.row_count != expected:
        raise RuntimeError(f"the export wrote {done.row_count} rows of {expected}")
    return (done.finished_at - started).total_seconds(), done


def bench_export(*, user: User, worker: Worker) -> dict[str, float]:
    expected = exports.count_for("mobilities", user, {})
    if expected != Mobility.objects.count():
        raise RuntimeError(f"{user} sees {expected} of {Mobility.objects.count()} mobilities")
    _remove_exports(user)
    copy = _copy(user)
    base, mine = [], []
    for _ in range(2):  # alternated: both sides see the same moments of a shared machine
        base.append(copy())
        seconds, _job = _export_job(user, "csv", worker=worker, expected=expected)
        mine.append(seconds)
    base.append(copy())
    _remove_exports(user)
    return {
        "export_rows": expected,
        "export_copy_s": round(min(base), 2),
        "export_csv_s": round(min(mine), 2),
        "export_ratio": round(min(mine) / min(base), 1),
    }


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def bench_xlsx_memory(*, user: User, worker: Worker) -> dict[str, float]:
    """Peak resident memory of the worker process while it writes the XLSX export of every mobility.

    ``worker`` must be fresh (its process has run nothing yet): the kernel's high-water mark is the
    process's whole life.
    """
    expected = exports.count_for("mobilities", user, {})
    (child,) = worker.child_pids()
    from .processes import rss_mb

    idle = rss_mb(child)
    seconds, _job = _export_job(user, "xlsx", worker=worker, expected=expected)
    peak = _peak_mb(child)
    _remove_exports(user)
    return {
        "xlsx_export_s": round(seconds, 1),
        "xlsx_worker_idle_mb": round(idle, 1),
        "xlsx_export_peak_mb": round(peak, 1),
    }


def cleanup_files() -> None:
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "exports", ignore_errors=True)
