"""REST API of the partner directory: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries.serializer_fields import CountryField
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import selectors, services
from .access import OutOfScope, get_access
from .api_strict import StrictSerializerMixin
from .audit import audit_denied
from .models import Contact, Organisation
from .roles import Capability


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
            "kind",
            "name",
            "short_name",
            "parent",
            "network",
            "owner_centre",
            "country",
            "city",
            "postcode",
            "address",
            "oid",
            "pic",
            "national_id",
            "sector",
            "is_sme",
            "website",
            "email",
            "phone",
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


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The partner directory of the user's networks. Query: ``q``, ``kind``, ``country``, ``sector``, ``sort``."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()  # for the schema only; requests use the selector

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.organisation_list_for_user(
            user=self.request.user,
            q=params.get("q", ""),
            kind=params.get("kind", ""),
            country=params.get("country", "").upper(),
            sector=params.get("sector", "").upper(),
            sort=params.get("sort", "name"),
        )

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


class ContactViewSet(viewsets.ModelViewSet):
    """People of the directory's organisations (tutors, employer contacts). Query: ``organisation``."""

    serializer_class = ContactSerializer
    queryset = Contact.objects.none()  # for the schema only; requests use the scoped queryset

    def get_queryset(self) -> Any:
        access = get_access(self.request.user)
        if not access.can(Capability.VIEW):
            raise exceptions.PermissionDenied
        qs = Contact.objects.filter(organisation__network_id__in=access.network_ids).order_by(
            "last_name", "first_name", "id"
        )
        organisation = self.request.query_params.get("organisation")
        if organisation and organisation.isdigit():
            qs = qs.filter(organisation_id=int(organisation))
        return qs

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
