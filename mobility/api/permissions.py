"""The API's default permission: an authenticated member, scoped, with the capability for writes.

Every API view uses ``ScopedMember`` unless it is on the short allow-list of public views (the
schema and its documentation pages); a test walks every route to hold that rule. Objects are
scoped by the selectors (another centre's object is a 404); this class adds the early 403 for a
role that may not write at all, before any data is read, and for a personal token whose scopes do
not cover the request (``read`` for reads, ``write`` for changes, ``documents`` for the file
downloads a view lists in ``file_actions``). The browser session is not scoped: it is the person.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from partners.accounts.access import get_access
from partners.accounts.models import ApiScope, ApiToken
from partners.accounts.roles import Capability

SCOPE_REFUSALS = {
    ApiScope.READ: _("This API token may not read data: create a token with the “read” scope."),
    ApiScope.WRITE: _("This API token is read-only: create a token with the “write” scope to change data."),
    ApiScope.DOCUMENTS: _(
        "This API token may not download files: create a token with the “documents” scope."
    ),
}


class ScopedMember(BasePermission):
    message = _("Your account is not a member of any training centre or network.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        access = get_access(user)
        if not access.is_member:
            return False
        if isinstance(request.auth, ApiToken):
            scope = required_scope(view, request)
            if scope not in request.auth.scopes:
                raise exceptions.PermissionDenied(SCOPE_REFUSALS[scope])
        capability = required_capability(view, request)
        if capability is not None and not access.orgs_with(capability):
            raise exceptions.PermissionDenied(_("Your role does not allow this action."))
        return True


def required_scope(view: Any, request: Any) -> ApiScope:
    """``documents`` for a file download (``file_actions``), else ``read`` for reads, ``write`` for the rest."""
    if getattr(view, "action", None) in getattr(view, "file_actions", ()):
        return ApiScope.DOCUMENTS
    return ApiScope.READ if request.method in SAFE_METHODS else ApiScope.WRITE


def required_capability(view: Any, request: Any) -> Capability | None:
    """The capability an action needs somewhere: ``action_capabilities``, else ``write_capability`` for writes."""
    per_action: dict[str, Capability] = getattr(view, "action_capabilities", {}) or {}
    action = getattr(view, "action", None)
    if action in per_action:
        return per_action[action]
    if request.method not in SAFE_METHODS:
        return getattr(view, "write_capability", None)
    return None
