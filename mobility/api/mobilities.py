"""``/api/v1/mobilities/``: mobilities with their learning agreement, checklist and evaluation summary."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.serializers import CountryFieldMixin
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mobility.agreements import selectors as agreements_selectors
from mobility.agreements import services
from mobility.agreements.models import AgreementOutcome, LearningAgreement, OutcomeCategory, Signature
from mobility.catalogue import selectors as catalogue_selectors
from mobility.evaluations.models import Evaluation, OutcomeResult
from mobility.groups import selectors as groups_selectors
from mobility.learners import selectors as learners_selectors
from mobility.learners.models import Unit
from mobility.mobilities import selectors
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import MOBILITY_FIELDS, Direction, Mobility, MobilityStatus
from mobility.projects import selectors as projects_selectors
from mobility.tracking import services as tracking_services
from mobility.tracking.models import ChecklistItem

from .base import (
    ApiViewSet,
    ModelSerializer,
    StrictModelSerializer,
    StrictSerializer,
    scoped_related,
)
from .directory import contacts_for, organisations_for
from .filtering import (
    BoundedDateFilter,
    IdFilter,
    StrictOrderingFilter,
    centre_filter,
    search_words,
    updated_since,
)


# --- Learning agreement -----------------------------------------------------------------------
class UnitSerializer(ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "title"]


class OutcomeSerializer(ModelSerializer):
    class Meta:
        model = AgreementOutcome
        fields = ["id", "unit", "category", "description"]


class SignatureSerializer(ModelSerializer):
    class Meta:
        model = Signature
        fields = ["party", "signer_name", "method", "signed_at"]


class AgreementSerializer(ModelSerializer):
    units = UnitSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    missing_parties = serializers.SerializerMethodField(
        help_text=gettext_lazy("Parties who still have to sign this version.")
    )

    class Meta:
        model = LearningAgreement
        fields = [
            "id",
            "version",
            "status",
            *services.AGREEMENT_FIELDS,
            "units",
            "outcomes",
            "signatures",
            "missing_parties",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_parties(self, agreement: LearningAgreement) -> list[str]:
        return services.agreement_missing_parties(agreement=agreement)


class OutcomeInputSerializer(StrictSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    category = serializers.ChoiceField(choices=OutcomeCategory.choices, default=OutcomeCategory.SKILLS)
    description = serializers.CharField(max_length=2000)


class AgreementWriteSerializer(StrictModelSerializer):
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(),
        many=True,
        required=False,
        help_text=gettext_lazy("Ids of the units of the learner's qualification assessed abroad."),
    )
    outcomes = OutcomeInputSerializer(
        many=True, required=False, help_text=gettext_lazy("Replaces the learning outcomes when sent.")
    )

    class Meta:
        model = LearningAgreement
        fields = [*services.AGREEMENT_FIELDS, "units", "outcomes"]
        extra_kwargs = {name: {"required": False} for name in services.AGREEMENT_FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mobility: Mobility | None = self.context.get("mobility")
        units = Unit.objects.none()
        if mobility is not None and mobility.participant.qualification_id:
            units = Unit.objects.filter(qualification_id=mobility.participant.qualification_id)
        scoped_related(self, "units", units)
        self.fields["outcomes"].child.fields["unit"].queryset = units


# --- Checklist and evaluations ----------------------------------------------------------------
class ChecklistItemSerializer(ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    document_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    done = serializers.BooleanField(source="is_done", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "step",
            "title",
            "assignee",
            "document_type",
            "due_date",
            "done",
            "done_at",
            "done_by_label",
            "is_overdue",
        ]


class ChecklistDoneSerializer(StrictSerializer):
    done = serializers.BooleanField(help_text=gettext_lazy("Whether the task is done."))


class EvaluationResultsSerializer(serializers.Serializer):
    achieved = serializers.IntegerField()
    partly = serializers.IntegerField()
    not_achieved = serializers.IntegerField()
    not_assessed = serializers.IntegerField()


class EvaluationSummarySerializer(ModelSerializer):
    results = serializers.SerializerMethodField(
        help_text=gettext_lazy("How many learning outcomes were achieved, partly achieved, not achieved.")
    )

    class Meta:
        model = Evaluation
        fields = [
            "kind",
            "status",
            "language",
            "attended_from",
            "attended_to",
            "absence_days",
            "submitted_at",
            "reviewed_at",
            "results",
        ]

    @extend_schema_field(EvaluationResultsSerializer)
    def get_results(self, evaluation: Evaluation) -> dict[str, int]:
        return {
            "achieved": evaluation.n_achieved,
            "partly": evaluation.n_partly,
            "not_achieved": evaluation.n_not_achieved,
            "not_assessed": evaluation.n_not_assessed,
        }


def _evaluations(mobility: Mobility) -> list[Evaluation]:
    return list(
        mobility.evaluations.annotate(
            n_achieved=Count("assessments", filter=Q(assessments__result=OutcomeResult.ACHIEVED)),
            n_partly=Count("assessments", filter=Q(assessments__result=OutcomeResult.PARTLY)),
            n_not_achieved=Count("assessments", filter=Q(assessments__result=OutcomeResult.NOT_ACHIEVED)),
            n_not_assessed=Count("assessments", filter=Q(assessments__result="")),
        ).order_by("kind")
    )


# --- Mobilities -------------------------------------------------------------------------------
class MobilitySerializer(CountryFieldMixin, ModelSerializer):
    """A mobility as lists show it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:mobility-detail")
    participant_name = serializers.CharField(source="participant.full_name", read_only=True)
    activity_type_code = serializers.CharField(source="activity_type.code", read_only=True)
    host_organisation_name = serializers.CharField(
        source="host_organisation.name", read_only=True, allow_null=True, default=None
    )
    duration_days = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Travel days excluded."))

    class Meta:
        model = Mobility
        fields = [
            "id",
            "url",
            "reference",
            "status",
            "centre",
            "participant",
            "participant_name",
            "project",
            "activity_type",
            "activity_type_code",
            "direction",
            "group",
            "host_organisation",
            "host_organisation_name",
            "host_tutor",
            "host_city",
            "host_country",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "duration_days",
            "long_term",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MobilityDetailSerializer(MobilitySerializer):
    """A mobility with everything its page shows to an API client."""

    learning_agreement = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    evaluations = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField(
        help_text=gettext_lazy("Statuses a person may move this mobility to (rules permitting).")
    )

    class Meta(MobilitySerializer.Meta):
        fields = [
            *MobilitySerializer.Meta.fields,
            "sending_organisation",
            "intermediary",
            "is_accompanying_person",
            "accompanying_person",
            "travel_days",
            "green_travel",
            "distance_band",
            "interruption_days",
            "main_language",
            "force_majeure",
            "status_reason",
            "evaluation_due",
            "notes",
            "next_statuses",
            "learning_agreement",
            "checklist",
            "evaluations",
        ]
        read_only_fields = fields

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_learning_agreement(self, mobility: Mobility) -> dict | None:
        agreement = agreements_selectors.agreement_current(mobility=mobility)
        return AgreementSerializer(agreement, context=self.context).data if agreement else None

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, mobility: Mobility) -> list[dict]:
        items = mobility.checklist.select_related("document_type", "template").order_by(
            "due_date", "order", "id"
        )
        return ChecklistItemSerializer(items, many=True, context=self.context).data

    @extend_schema_field(EvaluationSummarySerializer(many=True))
    def get_evaluations(self, mobility: Mobility) -> list[dict]:
        return EvaluationSummarySerializer(_evaluations(mobility), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=MobilityStatus.choices)))
    def get_next_statuses(self, mobility: Mobility) -> list[str]:
        return list(mobilities_services.TRANSITIONS.get(mobility.status, ()))


class MobilityWriteSerializer(CountryFieldMixin, StrictModelSerializer):
    class Meta:
        model = Mobility
        fields = list(MOBILITY_FIELDS)
        extra_kwargs = {
            # Derived from the host organisation / the centre when left out.
            "host_city": {"required": False},
            "host_country": {"required": False},
            "sending_organisation": {"required": False},
        }
        validators: list = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        user = request.user
        organisations = organisations_for(user)
        scoped_related(self, "participant", learners_selectors.learner_list_for_user(user=user))
        scoped_related(self, "project", projects_selectors.project_list_for_user(user=user))
        scoped_related(self, "activity_type", catalogue_selectors.activity_type_list_for_user(user=user))
        scoped_related(self, "group", groups_selectors.group_list_for_user(user=user))
        for name in ("sending_organisation", "host_organisation", "intermediary"):
            scoped_related(self, name, organisations)
        scoped_related(self, "host_tutor", contacts_for(user))


class TransitionSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=MobilityStatus.choices, help_text=gettext_lazy("The new status.")
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=gettext_lazy("Required to cancel or interrupt."),
    )
    force_majeure = serializers.BooleanField(required=False, default=False)


class MobilityFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=MobilityStatus.choices, label=gettext_lazy("One or more statuses (repeat the parameter).")
    )
    country = django_filters.ChoiceFilter(
        field_name="host_country",
        choices=lambda: list(countries),
        label=gettext_lazy("Host country (ISO 3166 code)."),
    )
    centre = centre_filter()
    participant = IdFilter(field_name="participant_id")
    project = IdFilter(field_name="project_id")
    activity_type = IdFilter(field_name="activity_type_id")
    group = IdFilter(field_name="group_id")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="iexact")
    starts_after = BoundedDateFilter(
        field_name="planned_start", lookup_expr="gte", label=gettext_lazy("Starts on or after.")
    )
    starts_before = BoundedDateFilter(
        field_name="planned_start", lookup_expr="lte", label=gettext_lazy("Starts on or before.")
    )
    ends_after = BoundedDateFilter(
        field_name="planned_end", lookup_expr="gte", label=gettext_lazy("Ends on or after.")
    )
    ends_before = BoundedDateFilter(
        field_name="planned_end", lookup_expr="lte", label=gettext_lazy("Ends on or before.")
    )
    search = django_filters.CharFilter(
        method="filter_search",
        label=gettext_lazy("Words found in the participant's name, the reference, the host."),
    )
    updated_since = updated_since()

    class Meta:
        model = Mobility
        fields: list[str] = []

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return search_words(
            queryset,
            (
                "participant__last_name__icontains",
                "participant__first_name__icontains",
                "reference__iexact",
                "host_city__icontains",
                "host_organisation__name__icontains",
            ),
            value,
        )


@extend_schema_view(
    list=extend_schema(summary="List mobilities", description="The mobilities of the centres you can see."),
    retrieve=extend_schema(
        summary="Get a mobility",
        responses=MobilityDetailSerializer,
        description="With the current learning agreement, the checklist and a summary of the evaluations.",
    ),
    create=extend_schema(
        summary="Plan a mobility",
        request=MobilityWriteSerializer,
        responses={201: MobilityDetailSerializer},
        description="Creates a draft with its checklist and follow-up schedule: the same rules as the form.",
    ),
    update=extend_schema(
        summary="Replace a mobility's data",
        request=MobilityWriteSerializer,
        responses=MobilityDetailSerializer,
    ),
    partial_update=extend_schema(
        summary="Change some of a mobility's data",
        request=MobilityWriteSerializer,
        responses=MobilityDetailSerializer,
    ),
)
class MobilityViewSet(mixins.ListModelMixin, ApiViewSet):
    """Mobilities of your centres. The status changes through ``transition``; cancelling replaces deleting."""

    serializer_class = MobilitySerializer
    filterset_class = MobilityFilter
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    ordering_fields = (
        "planned_start",
        "planned_end",
        "status",
        "reference",
        "host_country",
        "created_at",
        "updated_at",
    )
    queryset = Mobility.objects.none()
    personal_data = True

    def get_queryset(self) -> Any:
        return selectors.mobility_list_for_user(user=self.request.user)

    def get_object(self) -> Mobility:
        return selectors.mobility_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def detail_response(self, mobility: Mobility, status_code: int = 200) -> Response:
        mobility = selectors.mobility_get_for_user(user=self.request.user, pk=mobility.pk)
        return Response(MobilityDetailSerializer(mobility, context=self.context()).data, status=status_code)

    def retrieve(self, request: Any, pk: str) -> Response:
        return self.detail_response(self.get_object())

    def create(self, request: Any) -> Response:
        serializer = MobilityWriteSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        mobility = mobilities_services.mobility_create(
            centre=data["participant"].centre, data=data, acting_user=request.user, request=request._request
        )
        response = self.detail_response(mobility, status_code=201)
        response["Location"] = reverse("api:mobility-detail", args=[mobility.pk])
        return response

    def update(self, request: Any, pk: str, partial: bool = False) -> Response:
        mobility = self.get_object()
        serializer = MobilityWriteSerializer(
            mobility, data=request.data, partial=partial, context=self.context()
        )
        serializer.is_valid(raise_exception=True)
        mobility = mobilities_services.mobility_update(
            mobility=mobility,
            data=dict(serializer.validated_data),
            acting_user=request.user,
            request=request._request,
        )
        return self.detail_response(mobility)

    def partial_update(self, request: Any, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Change a mobility's status",
        request=TransitionSerializer,
        responses=MobilityDetailSerializer,
        description=(
            "Moves the mobility along its workflow, with the rules of the page: e.g. confirming needs a host "
            "tutor, a signed learning agreement and the required documents; each missing item is one error "
            "of code transition_not_allowed."
        ),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, pk: str) -> Response:
        mobility = self.get_object()
        serializer = TransitionSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mobility = mobilities_services.mobility_transition(
            mobility=mobility,
            to_status=data["status"],
            reason=data.get("reason", ""),
            force_majeure=data.get("force_majeure", False),
            acting_user=request.user,
            request=request._request,
        )
        return self.detail_response(mobility)

    @extend_schema(
        methods=["GET"],
        summary="Get the current learning agreement",
        responses=AgreementSerializer,
        description="The latest version; 404 while none has been written.",
    )
    @extend_schema(
        methods=["PUT"],
        summary="Write the learning agreement",
        request=AgreementWriteSerializer,
        responses=AgreementSerializer,
        description=(
            "Fields left out keep their value; `units` and `outcomes`, when sent, replace the current ones. "
            "Once anyone has signed, a change makes a new version."
        ),
    )
    @action(detail=True, methods=["get", "put"], url_path="learning-agreement")
    def learning_agreement(self, request: Any, pk: str) -> Response:
        mobility = self.get_object()
        if request.method == "PUT":
            serializer = AgreementWriteSerializer(
                data=request.data, context={**self.context(), "mobility": mobility}
            )
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            units = data.pop("units", None)
            outcomes = data.pop("outcomes", None)
            services.agreement_save(
                mobility=mobility,
                data=data,
                outcomes=[dict(o) for o in outcomes] if outcomes is not None else None,
                units=units,
                acting_user=request.user,
                request=request._request,
            )
        agreement = agreements_selectors.agreement_current(mobility=mobility)
        if agreement is None:
            from rest_framework.exceptions import NotFound

            raise NotFound(gettext_lazy("This mobility has no learning agreement yet."))
        return Response(AgreementSerializer(agreement, context=self.context()).data)

    @extend_schema(summary="List the checklist", responses=ChecklistItemSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def checklist(self, request: Any, pk: str) -> Response:
        mobility = self.get_object()
        items = mobility.checklist.select_related("document_type", "template").order_by(
            "due_date", "order", "id"
        )
        return Response(ChecklistItemSerializer(items, many=True, context=self.context()).data)

    @extend_schema(
        summary="Tick or untick a checklist task",
        request=ChecklistDoneSerializer,
        responses=ChecklistItemSerializer,
        parameters=[OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["patch"], url_path=r"checklist/(?P<item_id>[0-9]+)", filter_backends=[])
    def checklist_item(self, request: Any, pk: str, item_id: str) -> Response:
        mobility = self.get_object()
        item = (
            mobility.checklist.select_related("mobility", "document_type", "template")
            .filter(pk=int(item_id))
            .first()
        )
        if item is None:
            from rest_framework.exceptions import NotFound

            raise NotFound()
        serializer = ChecklistDoneSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        item = tracking_services.checklist_item_set_done(
            item=item,
            done=serializer.validated_data["done"],
            acting_user=request.user,
            request=request._request,
        )
        item = ChecklistItem.objects.select_related("document_type", "template").get(pk=item.pk)
        return Response(ChecklistItemSerializer(item, context=self.context()).data)
