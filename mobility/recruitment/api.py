"""Calls and applications in the REST API (read-only), scoped like the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers
from rest_framework.response import Response

from mobility.api.base import ApiViewSet, StrictModelSerializer
from mobility.recruitment import selectors
from mobility.recruitment.models import Application, Call


class CallSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:call-detail")
    places = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "url",
            "centre",
            "title",
            "description",
            "project",
            "activity_type",
            "status",
            "opens_on",
            "closes_on",
            "eligible_trades",
            "eligible_years",
            "min_age",
            "min_eqf_level",
            "places",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_places(self, call: Call) -> list[dict[str, Any]]:
        return [
            {
                "id": p.pk,
                "host_organisation": p.host_organisation_id,
                "city": p.city,
                "country": str(p.country),
                "places": p.places,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
            }
            for p in call.places.all()
        ]


class ApplicationSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:application-detail")

    class Meta:
        model = Application
        fields = [
            "id",
            "url",
            "call",
            "centre",
            "learner",
            "first_name",
            "last_name",
            "status",
            "submitted_at",
            "employer_answer",
            "guardian_answer",
            "fewer_opportunities",
            "score",
            "rank",
            "place",
            "decision_reason",
            "decided_at",
            "appeal_at",
            "appeal_outcome",
            "mobility",
            "updated_at",
        ]
        read_only_fields = fields


class CallViewSet(mixins.ListModelMixin, ApiViewSet):
    """Calls for applications of your centres (their own, or shared with them)."""

    serializer_class = CallSerializer
    queryset = Call.objects.none()
    write_capability = None

    def get_queryset(self) -> Any:
        return selectors.call_list_for_user(user=self.request.user).prefetch_related("places")

    def retrieve(self, request: Any, pk: str) -> Response:
        call = selectors.call_get_for_user(user=request.user, pk=int(pk))
        return Response(CallSerializer(call, context=self.context()).data)


class ApplicationViewSet(mixins.ListModelMixin, ApiViewSet):
    """Submitted applications to your centres' calls, with their decision."""

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()
    personal_data = True
    write_capability = None

    def get_queryset(self) -> Any:
        return selectors.application_list_for_user(user=self.request.user).order_by("call_id", "rank", "id")

    def retrieve(self, request: Any, pk: str) -> Response:
        application = selectors.application_get_for_user(user=request.user, pk=int(pk))
        return Response(ApplicationSerializer(application, context=self.context()).data)
