"""The beat task that publishes again the import and export jobs a broker outage left behind."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mobility.data.republish_stale_jobs")
def republish_stale_jobs() -> int:
    from mobility.data.exports.jobs import data_jobs_republish_stale

    return data_jobs_republish_stale()
