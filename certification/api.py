"""``/api/v1/certificates/`` and ``/api/v1/document-jobs/``: certificates for other systems.

A student information system asks for the certificate of an evaluated mobility (202 with the
job's URL, like the button on the mobility page: same service, same rules, same audit entry),
follows the job, then takes the PDF and the European Digital Credential (JSON-LD). Every
download is audited like a download from the pages.
"""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from certification.services import certificates as services_certificates
from certification.services import jobs as services
from mobility.api import extensions
from mobility.api.base import ApiViewSet, ModelSerializer, StrictSerializer, scoped_related
from mobility.api.filtering import BooleanFilter, IdFilter, StrictOrderingFilter, updated_since
from mobility.api.throttling import HeavyWorkThrottle
from mobility.mobilities import selectors as mobility_selectors
from mobility.mobilities.models import Mobility
from partners.accounts.roles import Capability
from partners.uploads import serve_private_file

from . import selectors
from .models import Certificate, CertificateStatus, DocumentJob, JobKind, JobStatus

PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")}


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


# --- Serializers ------------------------------------------------------------------------------
class CertificateSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:certificate-detail")
    mobility = serializers.PrimaryKeyRelatedField(read_only=True)
    superseded_by = serializers.PrimaryKeyRelatedField(read_only=True)
    verification_status = serializers.ChoiceField(
        choices=["valid", "superseded", "revoked", "not_issued"],
        read_only=True,
        help_text=gettext_lazy("What the public verification page says about this number."),
    )
    verify_url = serializers.SerializerMethodField()
    job_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "url",
            "number",
            "version",
            "status",
            "verification_status",
            "languages",
            "mobility",
            "issued_at",
            "reissue_reason",
            "superseded_by",
            "superseded_at",
            "revoked_at",
            "revoked_reason",
            "sha256",
            "verify_url",
            "job_url",
            "pdf_url",
            "credential_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_verify_url(self, certificate: Certificate) -> str:
        return _absolute(self, reverse("certification:verify", args=[certificate.number]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_job_url(self, certificate: Certificate) -> str | None:
        job = getattr(certificate, "job", None)
        return _absolute(self, reverse("api:document-job-detail", args=[job.pk])) if job else None

    def _when_issued(self, certificate: Certificate, name: str) -> str | None:
        if not _downloadable(certificate):
            return None
        return _absolute(self, reverse(name, args=[certificate.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, certificate: Certificate) -> str | None:
        return self._when_issued(certificate, "api:certificate-pdf")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_credential_url(self, certificate: Certificate) -> str | None:
        return self._when_issued(certificate, "api:certificate-credential")


class DocumentJobSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-job-detail")
    certificate = serializers.SerializerMethodField()
    percent = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Progress, 0 to 100."))
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "percent",
            "language",
            "certificate",
            "mobility",
            "group",
            "project",
            "attempts",
            "error",
            "filename",
            "content_type",
            "size",
            "sha256",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_certificate(self, job: DocumentJob) -> str | None:
        if not job.certificate_id:
            return None
        return _absolute(self, reverse("api:certificate-detail", args=[job.certificate_id]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job: DocumentJob) -> str | None:
        if job.status != JobStatus.READY or not job.file:
            return None
        return _absolute(self, reverse("api:document-job-download", args=[job.pk]))


class CertificateRequestSerializer(StrictSerializer):
    mobility = serializers.PrimaryKeyRelatedField(
        queryset=Mobility.objects.none(),
        help_text=gettext_lazy("An evaluated mobility of one of your centres."),
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES]),
        min_length=1,
        max_length=2,
        required=False,
        help_text=gettext_lazy(
            "One language, or two for a bilingual certificate. "
            "Default: the learner's language (and the host's with bilingual)."
        ),
    )
    bilingual = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Without languages: the learner's language and the host's."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            scoped_related(self, "mobility", mobility_selectors.mobility_list_for_user(user=request.user))

    def validate_languages(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Give two different languages for a bilingual certificate."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("languages") and attrs.get("bilingual"):
            raise serializers.ValidationError(
                {"bilingual": [_("Give either the languages or bilingual, not both.")]}
            )
        return attrs


def _downloadable(certificate: Certificate) -> bool:
    return bool(certificate.file) and certificate.status in (
        CertificateStatus.READY,
        CertificateStatus.REVOKED,
    )


# --- Filters ----------------------------------------------------------------------------------
class CertificateFilter(django_filters.FilterSet):
    mobility = IdFilter(field_name="mobility_id")
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices)
    number = django_filters.CharFilter(field_name="number", lookup_expr="iexact")
    current = BooleanFilter(
        field_name="superseded_at",
        lookup_expr="isnull",
        label=gettext_lazy("true: only the latest version of each certificate; false: only superseded ones."),
    )
    updated_since = updated_since()

    class Meta:
        model = Certificate
        fields: list[str] = []


class DocumentJobFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=JobKind.choices)
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    mobility = IdFilter(field_name="mobility_id")
    updated_since = updated_since()

    class Meta:
        model = DocumentJob
        fields: list[str] = []


# --- Views ------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="List certificates", description="Every version, valid, superseded or revoked."
    ),
    retrieve=extend_schema(summary="Get a certificate"),
    create=extend_schema(
        summary="Request a certificate",
        request=CertificateRequestSerializer,
        responses={202: DocumentJobSerializer},
        description=(
            "Issues the certificate of an evaluated mobility, like the button on the mobility page. "
            "Answers 202 at once with the rendering job (its URL in `Location`); poll it until `status` "
            "is `ready`, then fetch the certificate's `pdf_url` and `credential_url`. Asking again while "
            "it renders returns the same job; a mobility that already has a valid certificate is a 400 "
            "(reissue it from the pages)."
        ),
    ),
)
class CertificateViewSet(mixins.ListModelMixin, ApiViewSet):
    """Certificates of your centres' mobilities."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("issued_at", "updated_at", "number")
    default_ordering = ("-issued_at",)
    queryset = Certificate.objects.none()
    action_capabilities = {"create": Capability.ISSUE_CERTIFICATES}
    file_actions = ("pdf", "credential")
    throttle_classes = [*ApiViewSet.throttle_classes, HeavyWorkThrottle]

    def get_queryset(self) -> Any:
        return selectors.certificate_list_for_user(user=self.request.user)

    def get_object(self) -> Certificate:
        return selectors.certificate_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(CertificateSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Any) -> Response:
        serializer = CertificateRequestSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mobility = selectors.mobility_get_for_user(
            user=request.user, pk=data["mobility"].pk, capability=Capability.ISSUE_CERTIFICATES
        )
        certificate = services_certificates.certificate_issue(
            mobility=mobility,
            acting_user=request.user,
            languages=data.get("languages"),
            bilingual=data.get("bilingual", False),
            request=request._request,
        )
        job = selectors.job_get_for_user(user=request.user, pk=certificate.job.pk)
        return self.created(
            DocumentJobSerializer(job, context=self.context()).data,
            "api:document-job-detail",
            job.pk,
            status_code=status.HTTP_202_ACCEPTED,
        )

    def _issued(self) -> Certificate:
        certificate = self.get_object()
        if not _downloadable(certificate):
            raise Http404
        services.document_download_record(
            certificate=certificate, user=self.request.user, request=self.request._request
        )
        return certificate

    @extend_schema(
        summary="Download a certificate (PDF)", responses=PDF_RESPONSE, description="404 until it is issued."
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def pdf(self, request: Any, pk: str) -> Any:
        certificate = self._issued()
        return serve_private_file(
            certificate.file, filename=f"{certificate.number}.pdf", content_type="application/pdf"
        )

    @extend_schema(
        summary="Download a certificate as a European Digital Credential (JSON-LD)",
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        description="404 until it is issued.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def credential(self, request: Any, pk: str) -> Any:
        certificate = self._issued()
        response = HttpResponse(
            json.dumps(certificate.credential, ensure_ascii=False, indent=2),
            content_type="application/ld+json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{certificate.number}.jsonld"'
        return response


@extend_schema_view(
    list=extend_schema(summary="List document jobs"),
    retrieve=extend_schema(summary="Follow a document job"),
)
class DocumentJobViewSet(mixins.ListModelMixin, ApiViewSet):
    """Renders of certificates, learning agreements, attendance certificates and bundles of your centres."""

    serializer_class = DocumentJobSerializer
    filterset_class = DocumentJobFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("created_at", "finished_at")
    default_ordering = ("-created_at",)
    queryset = DocumentJob.objects.none()
    file_actions = ("download",)

    def get_queryset(self) -> Any:
        return selectors.job_list_for_user(user=self.request.user)

    def get_object(self) -> DocumentJob:
        return selectors.job_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(DocumentJobSerializer(self.get_object(), context=self.context()).data)

    @extend_schema(
        summary="Download a rendered document",
        responses={
            **PDF_RESPONSE,
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="A bundle."),
        },
        description="404 until the job is ready.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Any, pk: str) -> Any:
        job = self.get_object()
        if job.status != JobStatus.READY or not job.file:
            raise Http404
        services.document_download_record(job=job, user=request.user, request=request._request)
        return serve_private_file(job.file, filename=job.filename, content_type=job.content_type or None)


extensions.register("certificates", CertificateViewSet, "certificate")
extensions.register("document-jobs", DocumentJobViewSet, "document-job")
