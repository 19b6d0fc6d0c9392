"""Pages of imports, exports, reports and the Erasmus+ file. Thin: a selector, a form, a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mobility.data import erasmus as reporting
from mobility.data import reports
from mobility.data.exports import jobs as exports
from mobility.data.exports import rows as exports_rows
from mobility.data.exports import run as exports_run
from mobility.data.forms import ErasmusForm, ExportForm, ImportConfirmForm, ImportUploadForm, ReportForm
from mobility.data.imports import run as imports_run
from mobility.data.imports import services as imports
from mobility.data.imports.base import OUTCOMES
from mobility.data.imports.registry import qualification_codes
from mobility.data.imports.samples import import_template
from mobility.data.models import ErasmusMapping, ExportKind, FileFormat, ImportBatch, ImportKind
from mobility.projects.selectors import project_get_for_user, project_list_for_user
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.pages import errors_to_messages
from partners.uploads import serve_private_file


def _centres_with(request: HttpRequest, capability: Capability) -> frozenset[int]:
    """The centres where the user holds ``capability``; 403 when there are none."""
    centres = get_access(request.user).centres_with(capability)
    if not centres:
        raise PermissionDenied(f"missing capability {capability}")
    return centres


def _form_errors(form: Any, exc: ValidationError, field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, exc)


# --- Imports ----------------------------------------------------------------------------------
def _batch_for(request: HttpRequest, pk: Any) -> ImportBatch:
    centres = _centres_with(request, Capability.IMPORT_DATA)
    try:
        return ImportBatch.objects.select_related("centre", "created_by", "confirmed_by").get(
            pk=int(pk), centre_id__in=centres
        )
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    centres = _centres_with(request, Capability.IMPORT_DATA)
    form = ImportUploadForm(request.POST or None, request.FILES or None, centre_ids=centres)
    if request.method == "POST" and form.is_valid():
        from partners.directory.models import Organisation

        centre = Organisation.objects.get(pk=form.cleaned_data["centre"])
        try:
            batch = imports.import_batch_create(
                centre=centre,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                acting_user=request.user,
                encoding=form.cleaned_data["encoding"],
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc, "file")
        else:
            return redirect("data:import-detail", pk=batch.pk)
    recent = (
        ImportBatch.objects.filter(centre_id__in=centres)
        .select_related("centre", "created_by")
        .order_by("-created_at", "-id")[:15]
    )
    return render(
        request,
        "data/import_start.html",
        {
            "form": form,
            "recent": recent,
            "kinds": ImportKind.choices,
            "initial_kind": request.GET.get("kind", ""),
            "qualifications": qualification_codes(request.user),
        },
    )


def _template_examples(request: HttpRequest) -> dict[str, str]:
    """Examples taken from the reader's own catalogue and projects, where the columns refer to them."""
    examples = {}
    codes = [q.code for q in qualification_codes(request.user)]
    if codes:
        examples["qualification"] = "CAP-BOULANGER" if "CAP-BOULANGER" in codes else codes[0]
    project = project_list_for_user(user=request.user).order_by("-start_date").first()
    if project is not None and project.grant_agreement_number:
        examples["project"] = project.grant_agreement_number
        # Four weeks inside the project, so that the example row passes the project's dates.
        start = max(project.start_date, timezone.localdate()) + timedelta(days=30)
        if project.end_date and start + timedelta(days=25) > project.end_date:
            start = project.start_date
        examples["planned_start"] = f"{start:%d/%m/%Y}"
        examples["planned_end"] = f"{start + timedelta(days=25):%d/%m/%Y}"
    return examples


@login_required
@require_GET
def import_template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    _centres_with(request, Capability.IMPORT_DATA)
    if kind not in ImportKind.values or file_format not in ("csv", "xlsx"):
        raise Http404
    from mobility.data.forms import default_delimiter

    name, content_type, content = import_template(
        kind, file_format, delimiter=default_delimiter(), examples=_template_examples(request)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _preview_rows(request: HttpRequest, batch: ImportBatch) -> tuple[Any, str]:
    show = request.GET.get("show", "")
    rows = batch.report.get("rows", [])
    if show in OUTCOMES:
        rows = [r for r in rows if r.get("outcome") == show]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return page, show


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    page, show = _preview_rows(request, batch)
    return render(
        request,
        "data/import_detail.html",
        {
            "batch": batch,
            "page": page,
            "show": show,
            "confirm_form": ImportConfirmForm(),
            "progress": imports_run.progress_get(batch.pk),
            "outcomes": [(o, batch.counts.get(o, 0)) for o in OUTCOMES],
        },
    )


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if not batch.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("data:import-detail", args=[batch.pk])
        return response
    return render(
        request,
        "data/_import_progress.html",
        {"batch": batch, "progress": imports_run.progress_get(batch.pk)},
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    form = ImportConfirmForm(request.POST)
    form.is_valid()
    try:
        batch = imports.import_batch_confirm(
            batch=batch,
            acting_user=request.user,
            skip_errors=form.cleaned_data.get("skip_errors", False),
            request=request,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("data:import-detail", pk=batch.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        imports.import_batch_cancel(batch=batch, acting_user=request.user)
        messages.success(request, _("The import is cancelled: nothing was written."))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("data:import-start")


@login_required
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows in error, as they were in the file, with what is wrong: to correct and import again."""
    batch = _batch_for(request, pk)
    content = imports.import_batch_errors_csv(batch=batch, acting_user=request.user, request=request)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="errors-{batch.pk}.csv"'
    return response


# --- Exports ----------------------------------------------------------------------------------
def _may_export_anything(request: HttpRequest) -> tuple[frozenset[int], frozenset[int]]:
    access = get_access(request.user)
    data_centres = access.centres_with(Capability.EXPORT_DATA)
    report_centres = access.centres_with(Capability.VIEW_REPORTS)
    if not data_centres and not report_centres:
        raise PermissionDenied("nothing to export")
    return data_centres, report_centres


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    data_centres, _report_centres = _may_export_anything(request)
    form = None
    if data_centres:
        projects = project_list_for_user(user=request.user).order_by("-start_date")
        form = ExportForm(request.POST or None, centre_ids=data_centres, projects=projects)
        if request.method == "POST" and form.is_valid():
            try:
                job = exports.export_job_request(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    file_format=form.cleaned_data["file_format"],
                    params=form.params(),
                    scope_label=_scope_label(form),
                    request=request,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return redirect("data:export-detail", pk=job.pk)
    elif request.method == "POST":
        raise PermissionDenied("missing capability export_data")
    jobs = exports.export_jobs_for_user(user=request.user)[:20]
    return render(request, "data/export_list.html", {"form": form, "jobs": jobs})


def _scope_label(form: ExportForm) -> str:
    data = form.cleaned_data
    parts = []
    centre = data.get("centre")
    parts.append(dict(form.fields["centre"].choices).get(centre, "") if centre else _("All my centres"))
    if data.get("starts_after") or data.get("starts_before"):
        parts.append(f"{data.get('starts_after') or '…'} – {data.get('starts_before') or '…'}")
    if data.get("project"):
        parts.append(str(dict(form.fields["project"].choices).get(data["project"], "")))
    return " · ".join(str(p) for p in parts if p)


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.export_job_get_for_user(user=request.user, pk=pk)
    return render(
        request, "data/export_detail.html", {"job": job, "progress": exports_run.export_progress(job.pk)}
    )


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.export_job_get_for_user(user=request.user, pk=pk)
    if not job.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("data:export-detail", args=[job.pk])
        return response
    return render(
        request, "data/_export_progress.html", {"job": job, "progress": exports_run.export_progress(job.pk)}
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = exports.export_job_get_for_user(user=request.user, pk=pk)
    if job.status != "ready" or not job.file:
        raise Http404
    content_type = {
        FileFormat.CSV: "text/csv; charset=utf-8",
        FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        FileFormat.PDF: "application/pdf",
    }[job.file_format]
    response = serve_private_file(job.file, filename=job.file_name, content_type=content_type)
    exports_rows.export_job_download_record(job=job, user=request.user, via="page", request=request)
    return response


@login_required
@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.export_job_get_for_user(user=request.user, pk=pk)
    try:
        exports.export_job_retry(job=job, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("data:export-detail", pk=job.pk)


# --- Reports ----------------------------------------------------------------------------------
@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    _centres_with(request, Capability.VIEW_REPORTS)
    scopes = reports.report_scopes(request.user)
    values = {"scope": request.GET.get("scope") or "all"}
    known = values["scope"] in {value for value, _label in scopes}
    scope = reports.report_scope_resolve(request.user, values["scope"] if known else "all")
    # A period left empty (or a scope changed alone) keeps the default period, shown in the fields.
    start, end = reports.default_period_for(scope)
    values["start"] = request.GET.get("start") or start.isoformat()
    values["end"] = request.GET.get("end") or end.isoformat()
    form = ReportForm(values, scopes=scopes)
    report = None
    if form.is_valid():
        scope = reports.report_scope_resolve(request.user, form.cleaned_data["scope"])
        report = reports.activity_report(
            user=request.user, scope=scope, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    context = {"form": form, **(reports.report_context(report) if report else {})}
    return render(request, "data/reports.html", context)


@login_required
@require_POST
def report_export(request: HttpRequest) -> HttpResponse:
    _centres_with(request, Capability.VIEW_REPORTS)
    form = ReportForm(request.POST, scopes=reports.report_scopes(request.user))
    file_format = request.POST.get("file_format")
    if (
        not form.is_valid()
        or not form.cleaned_data.get("start")
        or not form.cleaned_data.get("end")
        or file_format not in (FileFormat.XLSX, FileFormat.PDF)
    ):
        messages.error(request, _("Choose a scope, a period and a format."))
        return redirect("data:reports")
    scope = reports.report_scope_resolve(request.user, form.cleaned_data["scope"])
    try:
        job = exports.export_job_request(
            user=request.user,
            kind=ExportKind.REPORT,
            file_format=file_format,
            params={
                "scope": scope.value,
                "start": form.cleaned_data["start"].isoformat(),
                "end": form.cleaned_data["end"].isoformat(),
            },
            scope_label=f"{scope.label} · {form.cleaned_data['start']:%d/%m/%Y} – {form.cleaned_data['end']:%d/%m/%Y}",
            request=request,
        )
    except ValidationError as exc:  # a limit reached: a message, never a 500
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('data:reports')}?{urlencode(_report_query(form))}")
    return redirect("data:export-detail", pk=job.pk)


def _report_query(form: ReportForm) -> dict[str, str]:
    return {
        "scope": form.cleaned_data["scope"],
        "start": form.cleaned_data["start"].isoformat(),
        "end": form.cleaned_data["end"].isoformat(),
    }


# --- Erasmus+ ---------------------------------------------------------------------------------
@login_required
def erasmus(request: HttpRequest) -> HttpResponse:
    _centres_with(request, Capability.EXPORT_DATA)
    projects = list(project_list_for_user(user=request.user).order_by("-start_date"))
    reporting.erasmus_default_mapping()
    mappings = list(ErasmusMapping.objects.order_by("-is_default", "name"))
    data = request.POST if request.method == "POST" else (request.GET if "project" in request.GET else None)
    form = ErasmusForm(data, projects=projects, mappings=mappings)
    check = None
    if data is not None and form.is_valid():
        project = project_get_for_user(user=request.user, pk=form.cleaned_data["project"])
        mapping = reporting.erasmus_mapping_for(form.cleaned_data.get("mapping"))
        if request.method == "POST":
            file_format = request.POST.get("file_format")
            if file_format not in (FileFormat.CSV, FileFormat.XLSX):
                raise Http404
            try:
                job = exports.export_job_request(
                    user=request.user,
                    kind=ExportKind.ERASMUS,
                    file_format=file_format,
                    params={"project": project.pk, "mapping": mapping.pk},
                    scope_label=str(project),
                    request=request,
                )
            except ValidationError as exc:  # the hour's limit: a message on the page, never a 500
                messages.error(request, " ".join(exc.messages))
            else:
                return redirect("data:export-detail", pk=job.pk)
        check = reporting.erasmus_check(user=request.user, project=project, mapping=mapping)
    return render(request, "data/erasmus.html", {"form": form, "check": check, "projects": projects})
