"""``/api/v1/abroad-now/``: the same list as the page (abroad today, leaving within 7 days), audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mobility.api import extensions
from mobility.api.base import ApiViewSet
from mobility.care import selectors
from mobility.care import services as care


class AbroadRowSerializer(serializers.Serializer):
    mobility = serializers.IntegerField(source="mobility.pk")
    reference = serializers.CharField(source="mobility.reference")
    abroad = serializers.BooleanField(help_text="Abroad today (false: leaving within 7 days).")
    start = serializers.DateField(source="mobility.start")
    end = serializers.DateField(source="mobility.end")
    participant = serializers.CharField(source="mobility.participant.full_name")
    participant_phone = serializers.CharField(source="mobility.participant.phone")
    minor = serializers.BooleanField()
    country = serializers.CharField(source="mobility.host_country.code")
    town = serializers.CharField(source="mobility.host_city")
    host = serializers.CharField(source="mobility.host_organisation.display_name", default="")
    tutor = serializers.CharField(source="mobility.host_tutor.full_name", default="")
    tutor_phone = serializers.CharField(source="mobility.host_tutor.phone", default="")
    tutor_email = serializers.CharField(source="mobility.host_tutor.email", default="")
    accompanying_person = serializers.CharField(source="mobility.accompanying_person")
    insurance = serializers.ListField(child=serializers.CharField())
    guardian_name = serializers.SerializerMethodField()
    guardian_phone = serializers.SerializerMethodField()
    guardian_email = serializers.SerializerMethodField()
    emergency_number = serializers.CharField()
    referents = serializers.ListField(child=serializers.CharField())

    def _guardian(self, row: Any, field: str) -> str:
        return getattr(row.learner, field) if row.minor else ""

    def get_guardian_name(self, row: Any) -> str:
        return self._guardian(row, "guardian_name")

    def get_guardian_phone(self, row: Any) -> str:
        return self._guardian(row, "guardian_phone")

    def get_guardian_email(self, row: Any) -> str:
        return self._guardian(row, "guardian_email")


class AbroadQuerySerializer(serializers.Serializer):
    centre = serializers.IntegerField(required=False, min_value=1)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    town = serializers.CharField(required=False, max_length=100)


class AbroadNowViewSet(ApiViewSet):
    """Every participant of the user's centres abroad today or leaving within 7 days. Reading is audited."""

    serializer_class = AbroadRowSerializer
    write_capability = None
    pagination_class = None
    action_query_params = {"list": ("centre", "country", "town")}

    @extend_schema(
        responses=AbroadRowSerializer(many=True),
        parameters=[
            OpenApiParameter("centre", int, description="Only this centre's participants."),
            OpenApiParameter("country", str, pattern="^[A-Za-z]{2}$", description="Host country (ISO code)."),
            OpenApiParameter(
                "town", str, description="Host town (part of its name, at most 100 characters)."
            ),
        ],
    )
    def list(self, request: Request) -> Response:
        query = AbroadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = {
            "centre_id": query.validated_data.get("centre"),
            "country": query.validated_data.get("country", ""),
            "town": query.validated_data.get("town", ""),
        }
        rows = selectors.abroad_now_for_user(user=request.user, **filters)
        care.abroad_now_read(user=request.user, rows=rows, filters=filters, via="api", request=request)
        return Response(AbroadRowSerializer(rows, many=True).data)


extensions.register("abroad-now", AbroadNowViewSet, "abroad-now")
