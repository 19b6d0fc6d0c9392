"""``/api/v1/me/``: who the token or session acts as, and where — the first call of any script."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.accounts.access import get_access
from partners.accounts.models import ApiScope, ApiToken
from partners.directory.models import Organisation

from .base import StrictQueryMixin
from .permissions import ScopedMember


class MembershipSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    role = serializers.CharField()


class ReachableOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class CurrentTokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices),
        help_text="What the token may do: read, write, documents (download files).",
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_language = serializers.CharField()
    authentication = serializers.ChoiceField(choices=["token", "session"])
    token = CurrentTokenSerializer(allow_null=True)
    memberships = MembershipSerializer(many=True)
    organisations = ReachableOrganisationSerializer(
        many=True, help_text="Every centre and chamber reached, with what the user may do there."
    )


class MeView(StrictQueryMixin, APIView):
    permission_classes = [ScopedMember]

    @extend_schema(summary="Who am I", responses=MeSerializer, tags=["me"])
    def get(self, request: Any) -> Response:
        user = request.user
        access = get_access(user)
        names = dict(Organisation.objects.filter(pk__in=access.org_ids).values_list("pk", "name"))
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "authentication": "token" if token else "session",
            "token": (
                {
                    "name": token.name,
                    "prefix": token.prefix,
                    "created_at": token.created_at,
                    "expires_at": token.expires_at,
                    "scopes": token.scopes,
                }
                if token
                else None
            ),
            "memberships": [
                {"organisation": org_id, "organisation_name": name, "role": role}
                for org_id, name, role in access.memberships
            ],
            "organisations": [
                {
                    "id": org_id,
                    "name": names.get(org_id, ""),
                    "kind": access.kinds.get(org_id, ""),
                    "capabilities": sorted(str(c) for c in access.capabilities(org_id)),
                }
                for org_id in sorted(access.org_ids)
            ],
        }
        return Response(MeSerializer(data).data)
