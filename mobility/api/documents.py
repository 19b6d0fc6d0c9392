"""``/api/v1/documents/``: uploaded files' metadata, access-checked downloads, uploads."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from mobility.catalogue.models import DocumentType
from mobility.documents import selectors, services
from mobility.documents.models import Document
from mobility.learners import selectors as learners_selectors
from mobility.learners.models import Learner
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.models import Mobility
from partners.audit.services import audit_record
from partners.uploads import DOCUMENT_TYPES, serve_private_file

from .base import ApiViewSet, BoundedDateField, ModelSerializer, StrictSerializer, scoped_related
from .filtering import IdFilter, StrictOrderingFilter, updated_since


class DocumentSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail")
    download_url = serializers.HyperlinkedIdentityField(view_name="api:document-download")
    document_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "download_url",
            "learner",
            "mobility",
            "document_type",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "valid_until",
            "uploaded_by_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(StrictSerializer):
    learner = serializers.PrimaryKeyRelatedField(queryset=Learner.objects.none())
    mobility = serializers.PrimaryKeyRelatedField(
        queryset=Mobility.objects.none(), required=False, allow_null=True
    )
    document_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentType.objects.all(),
        help_text=gettext_lazy("The code of the document type."),
    )
    file = serializers.FileField(
        help_text=gettext_lazy(
            "PDF, PNG, JPEG or WebP, checked by content; 10 MB at most unless configured otherwise."
        )
    )
    valid_until = BoundedDateField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            scoped_related(self, "learner", learners_selectors.learner_list_for_user(user=request.user))
            scoped_related(self, "mobility", mobilities_selectors.mobility_list_for_user(user=request.user))


class DocumentFilter(django_filters.FilterSet):
    learner = IdFilter(field_name="learner_id")
    mobility = IdFilter(field_name="mobility_id")
    document_type = django_filters.CharFilter(
        field_name="document_type__code", label=gettext_lazy("Document type code.")
    )
    updated_since = updated_since()

    class Meta:
        model = Document
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List documents", description="Metadata only; the file is at `download_url`."),
    retrieve=extend_schema(summary="Get a document's metadata"),
    create=extend_schema(
        summary="Upload a document",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        description="Checked by content, like an upload in the pages; ticks the checklist tasks asking for this type.",
    ),
    destroy=extend_schema(summary="Delete a document"),
)
class DocumentViewSet(mixins.ListModelMixin, ApiViewSet):
    """Files about your centres' learners and mobilities. Never public: every download is access-checked."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("created_at", "updated_at", "valid_until", "original_name")
    queryset = Document.objects.none()
    personal_data = True

    parser_classes = [MultiPartParser]  # only the upload has a body
    file_actions = ("download",)

    def get_queryset(self) -> Any:
        return selectors.document_list_for_user(user=self.request.user)

    def get_object(self) -> Document:
        return selectors.document_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(DocumentSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Any) -> Response:
        serializer = DocumentUploadSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document = services.document_upload(
            learner=data["learner"],
            document_type=data["document_type"],
            upload=data["file"],
            mobility=data.get("mobility"),
            valid_until=data.get("valid_until"),
            acting_user=request.user,
            request=request._request,
        )
        document = selectors.document_get_for_user(user=request.user, pk=document.pk)
        return self.created(
            DocumentSerializer(document, context=self.context()).data, "api:document-detail", document.pk
        )

    def destroy(self, request: Any, pk: str) -> Response:
        services.document_delete(
            document=self.get_object(), acting_user=request.user, request=request._request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Download a document",
        responses={
            **{
                (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
                for media_type in DOCUMENT_TYPES
            },
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Any, pk: str) -> Any:
        document = self.get_object()
        response = serve_private_file(
            document.file, filename=document.original_name, content_type=document.content_type
        )
        audit_record(
            action="document.download",
            actor=request.user,
            target=document,
            centre_id=document.centre_id,
            data={"via": "api"},
            request=request._request,
        )
        return response
