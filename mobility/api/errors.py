"""One error shape for every API response that is not a success.

    {"status": 400, "code": "invalid", "detail": "…",
     "errors": [{"field": "planned_end", "code": "invalid", "message": "…"}]}

``errors`` names each field at fault (``null`` for errors about the whole request; dotted paths
for nested data, e.g. ``outcomes.0.description``). Messages are in the request's language
(``Accept-Language``). Services raise Django's ``ValidationError`` / ``PermissionDenied`` /
``Http404``: they become 400 / 403 / 404 here, so pages and API report the same rules.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class TransitionNotAllowed(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "transition_not_allowed"


def _field_name(path: list[str]) -> str | None:
    names = [p for p in path if p not in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS)]
    return ".".join(names) or None


def _flatten_drf(detail: Any, path: list[str], out: list[dict[str, Any]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten_drf(value, [*path, str(key)], out)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                _flatten_drf(value, [*path, str(index)], out)
            else:
                _flatten_drf(value, path, out)
    else:
        out.append(
            {
                "field": _field_name(path),
                "code": getattr(detail, "code", None) or "invalid",
                "message": str(detail),
            }
        )


def _flatten_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    out.append(
                        {"field": _field_name([field]), "code": error.code or "invalid", "message": message}
                    )
    else:
        for error in exc.error_list:
            for message in error.messages:
                out.append({"field": None, "code": error.code or "invalid", "message": message})
    return out


def error_body(
    *, status_code: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None
) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or []}


def _summary(errors: list[dict[str, Any]]) -> str:
    if len(errors) == 1:
        error = errors[0]
        return f"{error['field']}: {error['message']}" if error["field"] else error["message"]
    return _("The request contains invalid data (%(count)s errors).") % {"count": len(errors)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, extended to Django's exceptions and to the one error shape."""
    from mobility.data.budget import ExportBudgetExceeded
    from mobility.mobilities.services import TransitionError
    from partners.accounts.access import OutOfScope
    from partners.audit.services import audit_denied

    request = context.get("request")
    # Refused accesses are audited, as for pages: another tenant's object (a 404 to the caller)
    # and a missing capability (403).
    if isinstance(exc, OutOfScope):
        audit_denied(request=request, status=404, target_type=exc.target_type, target_id=exc.target_id)
    elif isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        audit_denied(request=request, status=403)

    headers: dict[str, str] = {}
    if isinstance(exc, ExportBudgetExceeded):  # the hour's budget of personal data: a rate limit
        throttled = exceptions.Throttled(wait=exc.retry_after)
        throttled.detail = exceptions.ErrorDetail(exc.messages[0], code="throttled")
        exc = throttled
    if isinstance(exc, TransitionError):
        errors = _flatten_django(exc)
        for error in errors:
            if error["field"] is None and error["code"] == "invalid":
                error["code"] = "transition_not_allowed"
        body = error_body(
            status_code=400, code="transition_not_allowed", detail=_summary(errors), errors=errors
        )
        set_rollback()
        return Response(body, status=400)
    if isinstance(exc, DjangoValidationError):
        errors = _flatten_django(exc)
        set_rollback()
        return Response(
            error_body(status_code=400, code="invalid", detail=_summary(errors), errors=errors), status=400
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        # Services name the missing capability in English for the logs; the client gets the
        # translated, generic message.
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unexpected error in the API", exc_info=exc)
        set_rollback()
        return Response(
            error_body(
                status_code=500,
                code="server_error",
                detail=_("An unexpected error occurred. It has been logged; please try again later."),
            ),
            status=500,
        )

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]

    if isinstance(exc, exceptions.ValidationError):
        errors: list[dict[str, Any]] = []
        _flatten_drf(exc.detail, [], errors)
        body = error_body(status_code=exc.status_code, code="invalid", detail=_summary(errors), errors=errors)
    else:
        detail = exc.detail
        code = exc.get_codes()
        if isinstance(detail, list | dict):  # an APIException raised with structured detail
            errors = []
            _flatten_drf(detail, [], errors)
            body = error_body(
                status_code=exc.status_code, code=exc.default_code, detail=_summary(errors), errors=errors
            )
        else:
            body = error_body(
                status_code=exc.status_code,
                code=code if isinstance(code, str) else exc.default_code,
                detail=str(detail),
            )
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
