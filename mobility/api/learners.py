"""``/api/v1/learners/``: what a centre's student information system pushes and reads."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializers import CountryFieldMixin
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers
from rest_framework.response import Response

from mobility.catalogue.models import ParticipantKind
from mobility.learners import selectors, services
from mobility.learners.models import LEARNER_FIELDS, Learner
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation

from .base import ApiViewSet, StrictModelSerializer, scoped_related
from .directory import contacts_for, organisations_for
from .filtering import (
    BooleanFilter,
    IdFilter,
    StrictOrderingFilter,
    centre_filter,
    search_words,
    updated_since,
)


class LearnerSerializer(CountryFieldMixin, StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:learner-detail")
    is_minor = serializers.BooleanField(read_only=True, help_text=gettext_lazy("Under 18 today."))

    class Meta:
        model = Learner
        fields = ["id", "url", "centre", *LEARNER_FIELDS, "is_minor", "created_at", "updated_at"]
        read_only_fields = ["id", "centre", "created_at", "updated_at"]
        validators: list = []  # the service checks uniqueness and links, with its own messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            scoped_related(self, "qualification", selectors.qualification_list_for_user(user=user))
            scoped_related(self, "employer", organisations_for(user))
            scoped_related(self, "employer_contact", contacts_for(user))


class LearnerCreateSerializer(LearnerSerializer):
    centre = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text=gettext_lazy("The training centre; may be left out when you manage only one."),
    )

    class Meta(LearnerSerializer.Meta):
        read_only_fields = ["id", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            centres = get_access(request.user).centres_with(Capability.MANAGE_LEARNERS)
            scoped_related(self, "centre", Organisation.objects.filter(pk__in=centres))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "centre" not in attrs:
            choices = list(self.fields["centre"].queryset[:2])
            if len(choices) != 1:
                raise serializers.ValidationError(
                    {"centre": [_("Choose the training centre: you manage several.")]}, code="required"
                )
            attrs["centre"] = choices[0]
        return attrs


class LearnerFilter(django_filters.FilterSet):
    centre = centre_filter()
    kind = django_filters.ChoiceFilter(choices=ParticipantKind.choices)
    qualification = IdFilter(field_name="qualification_id")
    national_id = django_filters.CharFilter(
        method="filter_national_id", label=gettext_lazy("The id of the student information system (exact).")
    )
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")
    search = django_filters.CharFilter(
        method="filter_search", label=gettext_lazy("Words found in the name, e-mail, national id or trade.")
    )
    is_minor = BooleanFilter(method="filter_minor", label=gettext_lazy("Under 18 today."))
    updated_since = updated_since()

    class Meta:
        model = Learner
        fields: list[str] = []

    def filter_national_id(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(national_id=value.strip().upper())

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return search_words(
            queryset,
            (
                "last_name__icontains",
                "first_name__icontains",
                "email__icontains",
                "national_id__iexact",
                "trade__icontains",
            ),
            value,
        )

    def filter_minor(self, queryset: Any, name: str, value: bool) -> Any:
        if value is None:
            return queryset
        today = timezone.localdate()
        limit = (
            today.replace(year=today.year - 18)
            if not (today.month == 2 and today.day == 29)
            else today.replace(year=today.year - 18, day=28)
        )
        return (
            queryset.filter(date_of_birth__gt=limit) if value else queryset.exclude(date_of_birth__gt=limit)
        )


@extend_schema_view(
    list=extend_schema(summary="List learners", description="The learners of the centres you can see."),
    retrieve=extend_schema(summary="Get a learner"),
    create=extend_schema(
        summary="Add a learner",
        request=LearnerCreateSerializer,
        responses={201: LearnerSerializer},
        description="Same rules as the learner form: a minor needs a guardian, the national id is unique per centre.",
    ),
    update=extend_schema(summary="Replace a learner's data"),
    partial_update=extend_schema(summary="Change some of a learner's data"),
)
class LearnerViewSet(mixins.ListModelMixin, ApiViewSet):
    """Learners and staff participants of your centres. Erasure goes through the data-protection process, not DELETE."""

    serializer_class = LearnerSerializer
    filterset_class = LearnerFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = ("last_name", "first_name", "date_of_birth", "created_at", "updated_at")
    queryset = Learner.objects.none()
    personal_data = True

    def get_queryset(self) -> Any:
        return selectors.learner_list_for_user(user=self.request.user)

    def get_object(self) -> Learner:
        learner = selectors.learner_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if learner.anonymised_at is not None:
            raise exceptions.NotFound()
        return learner

    def retrieve(self, request: Any, pk: str) -> Response:
        return Response(LearnerSerializer(self.get_object(), context=self.context()).data)

    def create(self, request: Any) -> Response:
        serializer = LearnerCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        centre = data.pop("centre")
        learner = services.learner_create(
            centre=centre,
            data=data,
            acting_user=request.user,
            request=request._request,
            # Same name and birth date as a participant of the centre: 400 until confirmed.
            confirm_duplicate=str(request.data.get("confirm_duplicate", "")).lower() in ("1", "true", "on"),
        )
        return self.created(
            LearnerSerializer(learner, context=self.context()).data, "api:learner-detail", learner.pk
        )

    def update(self, request: Any, pk: str, partial: bool = False) -> Response:
        learner = self.get_object()
        serializer = LearnerSerializer(learner, data=request.data, partial=partial, context=self.context())
        serializer.is_valid(raise_exception=True)
        learner = services.learner_update(
            learner=learner,
            data=dict(serializer.validated_data),
            acting_user=request.user,
            request=request._request,
        )
        return Response(LearnerSerializer(learner, context=self.context()).data)

    def partial_update(self, request: Any, pk: str) -> Response:
        return self.update(request, pk, partial=True)
