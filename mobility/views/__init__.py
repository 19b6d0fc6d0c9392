"""Pages of the mobility domain. ``mobility.urls`` refers to the site-wide ones by these names."""

from .dashboard import dashboard
from .site import bad_request, healthz, page_not_found, permission_denied, privacy, server_error

__all__ = [
    "bad_request",
    "dashboard",
    "healthz",
    "page_not_found",
    "permission_denied",
    "privacy",
    "server_error",
]
