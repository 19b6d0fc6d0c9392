"""OpenAPI: the error responses every operation can give, and the two ways to authenticate."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    "400": "Invalid request: malformed JSON, wrong types, unknown fields or query parameters, a rule of the platform.",
    "401": "No credentials, or an invalid, revoked or expired token.",
    "403": "The user's role does not allow this action.",
    "404": "No such object within the user's scope (another centre's objects are not found either).",
    "413": "The request body is too large.",
    "415": "The request body is not in a supported media type.",
    "429": "Too many requests for this token; wait for the number of seconds in Retry-After.",
}


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="The field at fault (dotted path for nested data), null for the whole request.",
    )
    code = serializers.CharField(
        help_text="A stable, machine-readable code (required, invalid, unknown_field…)."
    )
    message = serializers.CharField(help_text="A human-readable message in the request's language.")


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="A stable, machine-readable code of the error.")
    detail = serializers.CharField(help_text="A human-readable summary in the request's language.")
    errors = ErrorItemSerializer(
        many=True, help_text="One entry per problem; empty when there is only the summary."
    )


class ApiAutoSchema(AutoSchema):
    """Adds the documented error responses to every operation of the API."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def _is_list_view(self, serializer: Any = None) -> bool:
        # An error body is never a list, whatever the view.
        if serializer is ErrorSerializer or isinstance(serializer, ErrorSerializer):
            return False
        return super()._is_list_view(serializer)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mobility.api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token, created on the account settings page (My account → API tokens). "
                "It acts with its owner's access, never more."
            ),
        }


class BrowserSessionScheme(OpenApiAuthenticationExtension):
    target_class = "mobility.api.authentication.BrowserSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The browser session of the platform's pages (writes need the CSRF header).",
        }
