"""Catalogues and projects: activity types, qualifications, document types, funded projects."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from mobility.catalogue import selectors as catalogue_selectors
from mobility.catalogue.models import ActivityType, DocumentType, ParticipantKind
from mobility.learners import selectors as learners_selectors
from mobility.learners.models import Qualification
from mobility.projects import selectors, services
from mobility.projects.models import Project
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation

from .base import ApiViewSet, ModelSerializer, StrictModelSerializer, scoped_related
from .filtering import (
    BooleanFilter,
    BoundedDateFilter,
    IdFilter,
    IntegerFilter,
    StrictOrderingFilter,
    updated_since,
)


def _get(queryset: Any, pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Activity types ---------------------------------------------------------------------------
class ActivityTypeSerializer(ModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The name in the request's language.")
    )
    required_documents = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ActivityType
        fields = [
            "id",
            "code",
            "label",
            "name",
            "name_translations",
            "participant_kind",
            "min_days",
            "max_days",
            "is_erasmus",
            "erasmus_code",
            "long_term_from_days",
            "followup_every_days",
            "required_documents",
            "network",
            "is_active",
        ]
        read_only_fields = fields


class ActivityTypeFilter(django_filters.FilterSet):
    participant_kind = django_filters.ChoiceFilter(choices=ParticipantKind.choices)
    is_erasmus = BooleanFilter()

    class Meta:
        model = ActivityType
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List activity types"), retrieve=extend_schema(summary="Get an activity type")
)
class ActivityTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Kinds of mobility (Erasmus+ and a network's own) with their duration bounds. Read-only."""

    serializer_class = ActivityTypeSerializer
    filterset_class = ActivityTypeFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("code", "name")
    queryset = ActivityType.objects.none()

    def get_queryset(self) -> Any:
        return catalogue_selectors.activity_type_list_for_user(user=self.request.user).prefetch_related(
            "required_documents"
        )

    def get_object(self) -> ActivityType:
        return _get(self.get_queryset(), self.kwargs["pk"])


# --- Qualifications ---------------------------------------------------------------------------
class QualificationUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class QualificationSerializer(ModelSerializer):
    units = QualificationUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Qualification
        fields = ["id", "code", "title", "diploma", "eqf_level", "country", "trade", "network", "units"]
        read_only_fields = fields


class QualificationFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    eqf_level = IntegerFilter()

    class Meta:
        model = Qualification
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List qualifications"), retrieve=extend_schema(summary="Get a qualification")
)
class QualificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Diplomas prepared by learners, with their units of learning outcomes. Read-only."""

    serializer_class = QualificationSerializer
    filterset_class = QualificationFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("code", "title", "eqf_level")
    queryset = Qualification.objects.none()

    def get_queryset(self) -> Any:
        return learners_selectors.qualification_list_for_user(user=self.request.user).prefetch_related(
            "units"
        )

    def get_object(self) -> Qualification:
        return _get(self.get_queryset(), self.kwargs["pk"])


# --- Document types ---------------------------------------------------------------------------
class DocumentTypeSerializer(ModelSerializer):
    label = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The name in the request's language.")
    )

    class Meta:
        model = DocumentType
        fields = [
            "id",
            "code",
            "label",
            "name",
            "name_translations",
            "required_for_minors_only",
            "retention_days",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List document types"), retrieve=extend_schema(summary="Get a document type")
)
class DocumentTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Kinds of uploaded documents; uploads name them by ``code``. Read-only."""

    serializer_class = DocumentTypeSerializer
    queryset = DocumentType.objects.none()

    def get_queryset(self) -> Any:
        return catalogue_selectors.document_type_list()

    def get_object(self) -> DocumentType:
        return _get(self.get_queryset(), self.kwargs["pk"])


# --- Projects ---------------------------------------------------------------------------------
class ProjectSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")

    class Meta:
        model = Project
        fields = ["id", "url", "organisation", *services.PROJECT_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["id", "organisation", "created_at", "updated_at"]
        validators: list = []


class ProjectCreateSerializer(ProjectSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The centre or chamber holding the grant; may be left out when you manage only one."
        ),
    )

    class Meta(ProjectSerializer.Meta):
        read_only_fields = ["id", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            orgs = get_access(request.user).orgs_with(Capability.MANAGE_LEARNERS)
            scoped_related(self, "organisation", Organisation.objects.filter(pk__in=orgs))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "organisation" not in attrs:
            choices = list(self.fields["organisation"].queryset[:2])
            if len(choices) != 1:
                raise serializers.ValidationError(
                    {"organisation": [_("Choose the organisation holding the grant: you manage several.")]}
                )
            attrs["organisation"] = choices[0]
        return attrs


class ProjectFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    call_year = IntegerFilter()
    key_action = django_filters.CharFilter(lookup_expr="iexact")
    grant_agreement_number = django_filters.CharFilter(lookup_expr="iexact")
    active_on = BoundedDateFilter(method="filter_active_on", label=gettext_lazy("Running on this date."))
    updated_since = updated_since()

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_active_on(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(Q(start_date__lte=value) & Q(end_date__gte=value))


@extend_schema_view(
    list=extend_schema(summary="List projects"),
    retrieve=extend_schema(summary="Get a project"),
    create=extend_schema(
        summary="Add a project", request=ProjectCreateSerializer, responses={201: ProjectSerializer}
    ),
    update=extend_schema(summary="Replace a project's data"),
    partial_update=extend_schema(summary="Change some of a project's data"),
)
class ProjectViewSet(mixins.ListModelMixin, ApiViewSet):
    """Funded projects (Erasmus+ grant agreements and others) held by your centres and chambers."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("start_date", "end_date", "title", "call_year", "updated_at")
    queryset = Project.objects.none()

    def get_queryset(self) -> Any:
        return selectors.project_list_for_user(user=self.request.user).order_by("-start_date", "title", "id")

    def get_object(self) -> Project:
        return selectors.project_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(ProjectSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Any) -> Response:
        serializer = ProjectCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        project = services.project_create(
            organisation=organisation, data=data, acting_user=request.user, request=request._request
        )
        return self.created(
            ProjectSerializer(project, context=self.context()).data, "api:project-detail", project.pk
        )

    def update(self, request: Any, pk: str, partial: bool = False) -> Response:
        project = self.get_object()
        serializer = ProjectSerializer(project, data=request.data, partial=partial, context=self.context())
        serializer.is_valid(raise_exception=True)
        project = services.project_update(
            project=project,
            data=dict(serializer.validated_data),
            acting_user=request.user,
            request=request._request,
        )
        return Response(ProjectSerializer(project, context=self.context()).data)

    def partial_update(self, request: Any, pk: str) -> Response:
        return self.update(request, pk, partial=True)
