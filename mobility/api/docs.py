"""The schema and its two documentation pages, served from installed files (no CDN) under the CSP.

These three views and the JSON 404 below are the only API views open to anonymous callers: the
schema describes the API, it holds no data. ``PUBLIC_API_VIEWS`` is the allow-list the
permission test checks.
"""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a separate response, so no inline script is needed."""

    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"


class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        from mobility.site.middleware import CONTENT_SECURITY_POLICY

        response = super().get(request, *args, **kwargs)
        # Redoc renders in a web worker it builds from a blob: this page only may start one.
        response["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; worker-src 'self' blob:"
        return response


class NotFoundView(APIView):
    """Any other path under /api/: a JSON 404 (not the HTML page), or a hint about the trailing slash."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None  # not an endpoint

    def _fail(self, request: Any) -> Response:
        path = request.path
        if not path.endswith("/"):
            try:
                match = resolve(path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not NotFoundView:
                raise exceptions.NotFound(
                    _("No such endpoint: API paths end with a slash, as in %(path)s.") % {"path": path + "/"}
                )
        raise exceptions.NotFound(_("No such endpoint. The list of endpoints is at /api/v1/ and /api/docs/."))

    get = post = put = patch = delete = head = options = _fail


PUBLIC_API_VIEWS = (SchemaView, SwaggerView, RedocView, NotFoundView)
