"""REST API of the partner directory: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.serializer_fields import CountryField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from partners.accounts.access import OutOfScope, get_access
from partners.accounts.roles import Capability
from partners.api.filtering import BooleanFilter, IdFilter, StrictOrderingFilter, search_words, updated_since
from partners.api.strict import StrictQueryMixin, StrictSerializerMixin, list_query_params
from partners.audit.services import audit_denied
from partners.directory import selectors, services
from partners.directory.models import (
    ORGANISATION_DETAILS,
    ORGANISATION_IDENTITY,
    Contact,
    NaceSection,
    Organisation,
    OrganisationKind,
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the audit of refused accesses (the API never reaches the middleware)."""
    request = context.get("request")
    if isinstance(exc, OutOfScope):
        audit_denied(request=request, status=404, target_type=exc.target_type, target_id=exc.target_id)
    elif isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        audit_denied(request=request, status=403)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class OrganisationSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    country = CountryField()
    owner_centre = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True
    )
    confirm_duplicate = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            *ORGANISATION_IDENTITY,
            "network",
            "owner_centre",
            *ORGANISATION_DETAILS,
            "notes",
            "created_at",
            "updated_at",
            "confirm_duplicate",
        ]
        read_only_fields = ["network", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            # Forged ids outside the user's view are "invalid pk", never "exists elsewhere".
            self.fields["owner_centre"].queryset = selectors.owner_centres_for(user=user)
            self.fields["parent"].queryset = selectors.organisation_choices_for_user(user=user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Field formats (OID, PIC, phone…) are the model's validators, run by the service too.
        return attrs


class ContactSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    languages = serializers.ListField(child=serializers.CharField(max_length=10), required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            "organisation",
            "first_name",
            "last_name",
            "position",
            "email",
            "phone",
            "languages",
            "preferred_language",
            "is_tutor",
            "is_employer_contact",
            "is_reference_person",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = selectors.organisation_choices_for_user(user=request.user)
        if (
            self.instance is not None
            and not isinstance(self.instance, list | tuple)
            and hasattr(self.instance, "pk")
        ):
            self.fields["organisation"].read_only = True


def _validation(
    exc: DjangoValidationError, extra: dict[str, Any] | None = None
) -> exceptions.ValidationError:
    detail: dict[str, Any] = (
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )
    return exceptions.ValidationError({**detail, **(extra or {})})


class OrganisationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=gettext_lazy(
            "Text found in the name, usual name or city (accents ignored), or the OID or PIC."
        ),
    )
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    country = django_filters.ChoiceFilter(
        choices=lambda: list(countries), label=gettext_lazy("Country (ISO 3166 code).")
    )
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact")
    sector = django_filters.ChoiceFilter(choices=NaceSection.choices, label=gettext_lazy("NACE section."))
    oid = django_filters.CharFilter(method="filter_oid", label=gettext_lazy("Erasmus+ OID (exact)."))
    national_id = django_filters.CharFilter(
        method="filter_national_id", label=gettext_lazy("National id or VAT number (exact).")
    )
    updated_since = updated_since()

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(selectors.organisation_search_condition(value))

    def filter_oid(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(oid=value.strip().upper())

    def filter_national_id(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(national_id=value.replace(" ", "").upper())


class DirectoryViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """A list accepts its filters, ordering and paging; an unknown or malformed parameter is a 400."""

    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]

    def allowed_query_params(self) -> set[str]:
        return list_query_params(self) if self.action == "list" else set()


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    DirectoryViewSet,
):
    """The partner directory of the user's networks."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ("name", "city", "country", "kind", "created_at", "updated_at")
    # the folded name: "Bäckerei" sorts with "Backerei", whatever the database's collation
    ordering_map = {"name": "normalised_name"}
    default_ordering = ("name",)
    queryset = Organisation.objects.none()  # for the schema only; requests use the selector

    def get_queryset(self) -> Any:
        return selectors.organisation_list_for_user(user=self.request.user)

    def get_object(self) -> Organisation:
        return selectors.organisation_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer: OrganisationSerializer) -> None:
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_duplicate", False)
        owner = data.pop("owner_centre", None)
        try:
            serializer.instance = services.organisation_create(
                acting_user=self.request.user,
                data=data,
                owner_centre=owner,
                confirm_duplicate=confirm,
                request=self.request,
            )
        except services.DuplicateOrganisation as exc:
            raise _validation(exc, {"duplicates": [m.organisation.pk for m in exc.matches]}) from exc
        except DjangoValidationError as exc:
            raise _validation(exc) from exc

    def perform_update(self, serializer: OrganisationSerializer) -> None:
        if not selectors.organisation_can_edit(user=self.request.user, organisation=serializer.instance):
            raise exceptions.PermissionDenied
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_duplicate", False)
        data.pop("owner_centre", None)
        try:
            serializer.instance, _changed = services.organisation_update(
                organisation=serializer.instance,
                acting_user=self.request.user,
                data=data,
                confirm_duplicate=confirm,
                request=self.request,
            )
        except services.DuplicateOrganisation as exc:
            raise _validation(exc, {"duplicates": [m.organisation.pk for m in exc.matches]}) from exc
        except DjangoValidationError as exc:
            raise _validation(exc) from exc


class ContactFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id", label=gettext_lazy("The organisation's id."))
    is_tutor = BooleanFilter(field_name="is_tutor")
    is_employer_contact = BooleanFilter(field_name="is_employer_contact")
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")
    search = django_filters.CharFilter(
        method="filter_search", label=gettext_lazy("Words found in the name, e-mail or position.")
    )
    updated_since = updated_since()

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return search_words(
            queryset,
            ("last_name__icontains", "first_name__icontains", "email__icontains", "position__icontains"),
            value,
        )


class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    DirectoryViewSet,
):
    """People of the directory's organisations (tutors, employer contacts)."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ("last_name", "first_name", "created_at", "updated_at")
    default_ordering = ("last_name", "first_name")
    queryset = Contact.objects.none()  # for the schema only; requests use the scoped queryset
    personal_data = True  # people: the API's pagination counts and audits each page

    def get_queryset(self) -> Any:
        access = get_access(self.request.user)
        if not access.can(Capability.VIEW):
            raise exceptions.PermissionDenied
        return Contact.objects.filter(organisation__network_id__in=access.network_ids)

    def get_object(self) -> Contact:
        return selectors.contact_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer: ContactSerializer) -> None:
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        try:
            serializer.instance = services.contact_create(
                organisation=organisation, acting_user=self.request.user, data=data, request=self.request
            )
        except DjangoValidationError as exc:
            raise _validation(exc) from exc

    def perform_update(self, serializer: ContactSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("organisation", None)
        try:
            serializer.instance, _changed = services.contact_update(
                contact=serializer.instance, acting_user=self.request.user, data=data, request=self.request
            )
        except DjangoValidationError as exc:
            raise _validation(exc) from exc

    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        contact = self.get_object()
        try:
            services.contact_delete(contact=contact, acting_user=request.user, request=request)
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)
