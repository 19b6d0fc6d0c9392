"""REST API, version 1: every endpoint is scoped to what the user may see in the browser."""

from typing import Any

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from mobility.recruitment.api import ApplicationViewSet, CallViewSet
from partners.directory.api import ContactViewSet, OrganisationViewSet

from . import extensions
from .account import MeView
from .catalogue import ActivityTypeViewSet, DocumentTypeViewSet, ProjectViewSet, QualificationViewSet
from .docs import NotFoundView
from .documents import DocumentViewSet
from .exports import ExportViewSet
from .learners import LearnerViewSet
from .mobilities import MobilityViewSet

app_name = "api"


class Router(DefaultRouter):
    """Ids are whole numbers: ``/contacts/true/`` is the JSON 404 of an unknown path, not a lookup."""

    include_format_suffixes = False  # JSON only: /learners.json is not a second route

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        name = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"(?P<{lookup_prefix}{name}>[0-9]+)"


router = Router()
router.register("learners", LearnerViewSet, basename="learner")
router.register("mobilities", MobilityViewSet, basename="mobility")
router.register("documents", DocumentViewSet, basename="document")
router.register("projects", ProjectViewSet, basename="project")
router.register("activity-types", ActivityTypeViewSet, basename="activity-type")
router.register("qualifications", QualificationViewSet, basename="qualification")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
router.register("exports", ExportViewSet, basename="export")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("contacts", ContactViewSet, basename="contact")
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
for extension in extensions.registered():
    router.register(extension.prefix, extension.viewset, basename=extension.basename)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="not-found"),  # any path, newlines included
]
