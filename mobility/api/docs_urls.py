"""/api/: the OpenAPI schema, its documentation pages, and a JSON 404 for anything unknown."""

from django.urls import path, re_path

from .docs import NotFoundView, RedocView, SchemaView, SwaggerView

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="api-not-found"),
]
