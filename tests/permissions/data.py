"""Matrix of imports, exports, reports and the Erasmus+ file (namespace ``data``)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.data.models import ExportJob

from .base import Route, expect, world_object

CSV = "INE;Nom;Prénom;Né le\n1A;Martin;Léa;31/02/2004\n2B;Durand;Tom;01/02/2003\n".encode()


@world_object
def import_batch(w):
    from mobility.data.imports import services

    return services.import_batch_create(
        centre=w.centre_a,
        kind="learners",
        upload=SimpleUploadedFile("learners.csv", CSV, "text/csv"),
        acting_user=w.referent_a,
    )


@world_object
def export_ready(w):
    job = ExportJob.objects.create(
        kind="learners", file_format="csv", created_by=w.referent_a, status="ready"
    )
    job.file.save("learners.csv", ContentFile(b"a\r\n"), save=True)
    return job


@world_object
def export_failed(w):
    return ExportJob.objects.create(
        kind="learners", file_format="csv", created_by=w.referent_a, status="failed"
    )


def batch(w):
    return {"pk": w.import_batch.pk}


# Importing needs the import capability somewhere; every staff member but read-only staff has it.
IMPORTER = expect(referent_b=200, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
# A batch of centre A: the outsider does not see it; without the import capability (read-only
# staff, the operator who has no membership) the answer is 403 before any lookup.
BATCH = expect(referent_b=404, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
BATCH_POLL = expect(referent_b=404, readonly_a=403, referent_a=204, chamber_admin=204, operator=403)
BATCH_POST = expect(referent_b=404, readonly_a=403, referent_a=302, chamber_admin=302, operator=403)
# An export job is its author's alone.
OWN_JOB = expect(referent_b=404, readonly_a=404, referent_a=200, chamber_admin=404, operator=404)
OWN_JOB_POLL = expect(referent_b=404, readonly_a=404, referent_a=204, chamber_admin=404, operator=404)
OWN_JOB_POST = expect(referent_b=404, readonly_a=404, referent_a=302, chamber_admin=404, operator=404)
STAFF = expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
REPORT_POST = expect(referent_b=302, readonly_a=302, referent_a=302, chamber_admin=302, operator=403)

ROUTES = [
    Route("data:import-start", IMPORTER),
    Route("data:import-template", IMPORTER, kwargs=lambda w: {"kind": "learners", "file_format": "xlsx"}),
    Route("data:import-detail", BATCH, kwargs=batch),
    Route("data:import-progress", BATCH_POLL, kwargs=batch),
    Route("data:import-errors", BATCH, kwargs=batch),
    Route(
        "data:import-confirm", BATCH_POST, kwargs=batch, method="post", data=lambda w: {"skip_errors": "on"}
    ),
    Route("data:import-cancel", BATCH_POST, kwargs=batch, method="post"),
    Route("data:export-list", STAFF),
    Route("data:export-detail", OWN_JOB, kwargs=lambda w: {"pk": w.export_ready.pk}),
    Route("data:export-progress", OWN_JOB_POLL, kwargs=lambda w: {"pk": w.export_ready.pk}),
    Route("data:export-download", OWN_JOB, kwargs=lambda w: {"pk": w.export_ready.pk}),
    Route("data:export-retry", OWN_JOB_POST, kwargs=lambda w: {"pk": w.export_failed.pk}, method="post"),
    Route("data:reports", STAFF),
    Route(
        "data:report-export",
        REPORT_POST,
        method="post",
        data=lambda w: {"scope": "all", "start": "2025-01-01", "end": "2025-12-31", "file_format": "xlsx"},
    ),
    Route("data:erasmus", IMPORTER),
]
