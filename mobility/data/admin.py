"""Admin screens of imports, exports and the Erasmus+ column mapping.

Exports from the admin go through the same formula-neutralising writer as every other path:
``export_as_csv`` / ``export_as_xlsx`` below (usable on any ModelAdmin), and django-import-export's
own screens use ``mobility.spreadsheets.SafeCSV`` / ``SafeXLSX`` (settings.IMPORT_EXPORT_FORMATS).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.data.models import ErasmusColumn, ErasmusMapping, ExportJob, ImportBatch
from mobility.data.spreadsheets import Rows, write_csv, write_xlsx
from partners.audit.services import audit_record


def _admin_rows(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Rows:
    names = [n for n in modeladmin.get_list_display(request) if isinstance(n, str) and n != "__str__"]
    fields = [queryset.model._meta.get_field(n) for n in names if _is_field(queryset.model, n)]
    header = [str(f.verbose_name) for f in fields]
    rows = ([_cell(obj, f) for f in fields] for obj in queryset.iterator(chunk_size=2000))
    return Rows(title=str(queryset.model._meta.verbose_name_plural), header=header, rows=rows)


def _is_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _cell(obj: Any, field: Any) -> Any:
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = getattr(obj, field.name)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return str(value)
    return value


def _export(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, file_format: str
) -> HttpResponse:
    rows = _admin_rows(modeladmin, request, queryset)
    buffer = io.BytesIO()
    count = write_csv(rows, buffer) if file_format == "csv" else write_xlsx(rows, buffer)
    audit_record(
        action="data.export",
        actor=request.user,
        target_type=queryset.model._meta.label,
        data={"kind": f"admin:{queryset.model._meta.label}", "format": file_format, "rows": count},
        request=request,
    )
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{queryset.model._meta.model_name}.{file_format}"'
    )
    return response


@admin.action(description=_("Export the selection (CSV)"))
def export_as_csv(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    return _export(modeladmin, request, queryset, "csv")


@admin.action(description=_("Export the selection (XLSX)"))
def export_as_xlsx(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    return _export(modeladmin, request, queryset, "xlsx")


class ErasmusColumnInline(admin.TabularInline):
    model = ErasmusColumn
    extra = 1
    fields = ("order", "header", "source", "constant", "required", "rows")


@admin.register(ErasmusMapping)
class ErasmusMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "release", "is_default", "date_format", "country_format", "updated_at")
    list_filter = ("is_default",)
    inlines = [ErasmusColumnInline]
    actions = [export_as_csv, export_as_xlsx]
    save_as = True  # a new release starts as a copy of the current mapping
    change_list_template = "admin/mobility/erasmusmapping/change_list.html"

    def get_urls(self) -> list:
        from django.urls import path

        view = self.admin_site.admin_view(self.template_view)
        return [path("template/", view, name="mobility_erasmusmapping_template"), *super().get_urls()]

    def template_view(self, request: HttpRequest) -> HttpResponse:
        """Upload the empty template the Module exports: a new mapping with its columns, in its order."""
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from mobility.data.erasmus import erasmus_mapping_from_template
        from mobility.data.forms import ErasmusTemplateForm

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ErasmusTemplateForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                mapping, unmatched = erasmus_mapping_from_template(
                    upload=form.cleaned_data["template"],
                    name=form.cleaned_data["name"],
                    release=form.cleaned_data["release"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("%(count)s columns read; map these by hand: %(headers)s")
                    % {"count": mapping.columns.count(), "headers": ", ".join(unmatched)}
                    if unmatched
                    else _("%(count)s columns read, every one mapped.") % {"count": mapping.columns.count()},
                )
                return redirect("admin:mobility_erasmusmapping_change", mapping.pk)
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("New mapping from the Module's template")}  # fmt: skip
        return TemplateResponse(request, "admin/mobility/erasmusmapping/template.html", context)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "centre", "original_name", "status", "row_count", "created_by")
    list_filter = ("status", "kind")
    search_fields = ("original_name",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name not in ("report",)]
    exclude = ("report",)
    actions = [export_as_csv, export_as_xlsx]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "file_format", "status", "row_count", "created_by", "scope_label")
    list_filter = ("status", "kind", "file_format")
    readonly_fields = [f.name for f in ExportJob._meta.fields]
    actions = [export_as_csv, export_as_xlsx]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
