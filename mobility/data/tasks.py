"""Celery tasks of imports and exports: each loads a row by id and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mobility.data.import_preview")
def import_preview(batch_id: int) -> int:
    from mobility.data.imports.run import import_batch_run_preview

    import_batch_run_preview(batch_id=batch_id)
    return batch_id


@shared_task(name="mobility.data.import_apply")
def import_apply(batch_id: int) -> int:
    from mobility.data.imports.run import import_batch_apply

    import_batch_apply(batch_id=batch_id)
    return batch_id


@shared_task(name="mobility.data.export_run")
def export_run(job_id: int) -> int:
    from mobility.data.exports.run import export_job_run

    export_job_run(job_id=job_id)
    return job_id


@shared_task(name="mobility.data.purge_old_files")
def purge_old_files() -> int:
    from mobility.data.exports.run import data_files_purge

    return data_files_purge()
