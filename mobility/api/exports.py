"""``/api/v1/exports/``: export jobs — request one (202 + the job's URL), follow it, download the file.

The file is written by the export job with the platform's one spreadsheet writer, which
neutralises formulas (a cell starting with ``=``, ``+``, ``-``, ``@``… cannot run in Excel): the
API adds no second path to CSV or XLSX.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mobility.data.exports import jobs as exports
from mobility.data.exports import rows as exports_rows
from mobility.data.models import ExportJob, ExportStatus, FileFormat
from mobility.mobilities.models import Direction, MobilityStatus
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.uploads import serve_private_file

from .base import ApiViewSet, BoundedDateField, ModelSerializer, StrictSerializer
from .throttling import HeavyWorkThrottle

KINDS = ("learners", "organisations", "mobilities", "evaluations", "statistics")
CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PDF: "application/pdf",
}


class ExportFiltersSerializer(StrictSerializer):
    centre = serializers.IntegerField(
        required=False, min_value=1, help_text=gettext_lazy("One of your centres.")
    )
    starts_after = BoundedDateField(required=False)
    starts_before = BoundedDateField(required=False)
    status = serializers.ChoiceField(choices=MobilityStatus.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    project = serializers.IntegerField(required=False, min_value=1)
    delimiter = serializers.ChoiceField(
        choices=[",", ";", "\t"], required=False, help_text=gettext_lazy("CSV only.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("starts_after"), attrs.get("starts_before")
        if after and before and before < after:
            raise serializers.ValidationError(
                {"starts_before": [_("The end of the period is before its start.")]}
            )
        return attrs


class ExportRequestSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=[(k, k) for k in KINDS])
    file_format = serializers.ChoiceField(choices=[FileFormat.CSV, FileFormat.XLSX])
    filters = ExportFiltersSerializer(required=False)


class ExportJobSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:export-detail")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "url",
            "kind",
            "file_format",
            "params",
            "status",
            "row_count",
            "size",
            "file_name",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportStatus.READY:
            return None
        request = self.context.get("request")
        path = reverse("api:export-download", args=[job.pk])
        return request.build_absolute_uri(path) if request else path


@extend_schema_view(
    list=extend_schema(summary="List your exports"),
    retrieve=extend_schema(summary="Follow an export"),
    create=extend_schema(
        summary="Request an export",
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer},
        description=(
            "Answers 202 at once with the job and its URL in `Location`; small exports are ready "
            "immediately, larger ones are written by a worker. Poll the job until `status` is `ready`, "
            "then fetch `download_url`. Same scope as the export page: your centres where you may export."
        ),
    ),
)
class ExportViewSet(mixins.ListModelMixin, ApiViewSet):
    """Your own export jobs (an export is its requester's alone)."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()
    action_capabilities = {"create": Capability.EXPORT_DATA}
    throttle_classes = [*ApiViewSet.throttle_classes, HeavyWorkThrottle]
    file_actions = ("download",)

    def get_queryset(self) -> Any:
        return exports.export_jobs_for_user(user=self.request.user)

    def get_object(self) -> ExportJob:
        return exports.export_job_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(ExportJobSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Any) -> Response:
        serializer = ExportRequestSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        filters = dict(data.get("filters") or {})
        for name in ("starts_after", "starts_before"):
            if filters.get(name):
                filters[name] = filters[name].isoformat()
        centre = filters.get("centre")
        if centre is not None and centre not in get_access(request.user).centres_with(Capability.EXPORT_DATA):
            raise serializers.ValidationError(
                {"filters.centre": [_("Choose one of the centres you may export.")]}
            )
        job = exports.export_job_request(
            user=request.user,
            kind=data["kind"],
            file_format=data["file_format"],
            params=filters,
            request=request._request,
        )
        return self.created(
            ExportJobSerializer(job, context=self.context()).data,
            "api:export-detail",
            job.pk,
            status_code=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Download an export",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The XLSX file."
            ),
        },
        description="404 until the job is ready.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Any, pk: str) -> Any:
        job = self.get_object()
        if job.status != ExportStatus.READY or not job.file:
            raise Http404
        response = serve_private_file(
            job.file, filename=job.file_name, content_type=CONTENT_TYPES[job.file_format]
        )
        exports_rows.export_job_download_record(
            job=job, user=request.user, via="api", request=request._request
        )
        return response
